using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>Outcome of checking a received delivery.</summary>
public enum WebhookVerificationResult
{
    Valid,
    MissingHeaders,
    InvalidTimestamp,
    TimestampTooOld,
    TimestampTooNew,
    NoMatchingSignature,
}

/// <summary>
/// The receiver's check of Standard Webhooks: headers present, timestamp within <see cref="Tolerance"/> of now (replays of old
/// deliveries fail), and any <c>v1</c> signature matching any of the secrets, compared in constant time.
/// </summary>
public sealed class WebhookVerifier(IReadOnlyList<WebhookSecret> secrets, TimeProvider time)
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public TimeSpan Tolerance { get; init; } = DefaultTolerance;

    public WebhookVerificationResult Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Verify(headers[WebhookHeaders.Id].ToString(), headers[WebhookHeaders.Timestamp].ToString(), headers[WebhookHeaders.Signature].ToString(), body);
    }

    public WebhookVerificationResult Verify(string? webhookId, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return WebhookVerificationResult.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerificationResult.InvalidTimestamp;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var tolerance = (long)Tolerance.TotalSeconds;
        if (seconds < now - tolerance)
        {
            return WebhookVerificationResult.TimestampTooOld;
        }

        if (seconds > now + tolerance)
        {
            return WebhookVerificationResult.TimestampTooNew;
        }

        var expected = new List<byte[]>(secrets.Count);
        foreach (var secret in secrets)
        {
            expected.Add(WebhookSigner.Digest(webhookId, seconds, body, secret));
        }

        Span<byte> candidate = stackalloc byte[32];
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            // Other versions (v1a asymmetric, future ones) are skipped, not failed: a later signature may still match.
            if (comma < 0 || !entry.AsSpan(0, comma).SequenceEqual(WebhookSigner.Version) ||
                !Convert.TryFromBase64String(entry[(comma + 1)..], candidate, out var written) || written != candidate.Length)
            {
                continue;
            }

            foreach (var digest in expected)
            {
                if (CryptographicOperations.FixedTimeEquals(candidate, digest))
                {
                    return WebhookVerificationResult.Valid;
                }
            }
        }

        return WebhookVerificationResult.NoMatchingSignature;
    }
}
