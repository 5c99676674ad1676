using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// ACS access-key authentication: signs every attempt (it runs per retry, so each carries a fresh <c>x-ms-date</c>) with
/// HMAC-SHA256 over method, path and query, date, host and the SHA-256 of the exact body bytes.
/// </summary>
internal sealed class AcsHmacAuthenticationPolicy(AzureKeyCredential key, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        byte[] body = [];
        if (request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, message.CancellationToken);
            body = buffer.ToArray();
        }

        var signature = Sign(request.Method.Method, request.Uri.ToUri(), body, time.GetUtcNow(), Convert.FromBase64String(key.Key));
        request.Headers.SetValue("x-ms-date", signature.Date);
        request.Headers.SetValue("x-ms-content-sha256", signature.ContentHash);
        request.Headers.SetValue("Authorization", signature.Authorization);
    }

    /// <summary>The three headers of a signed request; <c>Host</c> is the URI authority, which HttpClient sends as given.</summary>
    internal static AcsSignature Sign(string method, Uri uri, ReadOnlySpan<byte> body, DateTimeOffset now, byte[] key)
    {
        var date = now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        var stringToSign = $"{method.ToUpperInvariant()}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return new AcsSignature(date, contentHash, $"HMAC-SHA256 SignedHeaders={SignedHeaders}&Signature={signature}");
    }
}

internal sealed record AcsSignature(string Date, string ContentHash, string Authorization);
