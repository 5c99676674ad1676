using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Simulator.Acs;

/// <summary>
/// Checks ACS access-key signatures as the service does, from what arrived: method, raw path and query, <c>x-ms-date</c>,
/// the <c>Host</c> header and the SHA-256 of the exact body bytes. Its own implementation, independent of the client's signer.
/// </summary>
internal static class AcsHmacVerifier
{
    private const string Scheme = "HMAC-SHA256 ";
    private static readonly string[] RequiredHeaders = ["x-ms-date", "host", "x-ms-content-sha256"];

    /// <summary>Null when the signature holds, else why not.</summary>
    public static string? Verify(HttpRequest request, string rawTarget, ReadOnlySpan<byte> body, byte[] key, DateTimeOffset now, TimeSpan maxSkew)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return "The Authorization header is missing or not HMAC-SHA256.";
        }

        var fields = authorization[Scheme.Length..].Split('&')
            .Select(f => f.Split('=', 2))
            .Where(f => f.Length == 2)
            .ToDictionary(f => f[0].Trim(), f => f[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            return "The Authorization header lacks SignedHeaders or Signature.";
        }

        var names = signedHeaders.Split(';', StringSplitOptions.TrimEntries);
        if (!RequiredHeaders.All(required => names.Contains(required, StringComparer.OrdinalIgnoreCase)))
        {
            return "SignedHeaders must include x-ms-date, host and x-ms-content-sha256.";
        }

        var date = request.Headers["x-ms-date"].ToString();
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return "x-ms-date is missing or not an RFC 1123 date.";
        }

        if ((now - signedAt).Duration() > maxSkew)
        {
            return $"x-ms-date {date} is more than {maxSkew.TotalMinutes:0} minutes from the service's time; the request is stale.";
        }

        var claimedHash = request.Headers["x-ms-content-sha256"].ToString();
        if (claimedHash.Length == 0)
        {
            return "x-ms-content-sha256 is missing.";
        }

        var actualHash = Convert.ToBase64String(SHA256.HashData(body));
        if (!string.Equals(claimedHash, actualHash, StringComparison.Ordinal))
        {
            return "x-ms-content-sha256 does not match the SHA-256 of the body received.";
        }

        var values = names.Select(name => name.Equals("host", StringComparison.OrdinalIgnoreCase) ? request.Headers.Host.ToString() : request.Headers[name].ToString());
        var stringToSign = $"{request.Method.ToUpperInvariant()}\n{rawTarget}\n{string.Join(';', values)}";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : "The signature does not match the request (method, path and query, x-ms-date, host, content hash).";
    }
}
