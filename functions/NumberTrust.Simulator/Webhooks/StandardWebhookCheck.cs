using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NumberTrust.Simulator.Webhooks;

/// <summary>
/// Verifies Standard Webhooks signatures from the specification, with its own code (not the app's signer), so the sender's
/// tests check the sender against the spec and not against itself.
/// </summary>
internal static class StandardWebhookCheck
{
    public static byte[] Key(string secret)
    {
        const string prefix = "whsec_";
        return secret.StartsWith(prefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[prefix.Length..])
            : throw new FormatException("A Standard Webhooks secret starts with whsec_.");
    }

    /// <summary>Null when valid, else why not.</summary>
    public static string? Verify(string? id, string? timestamp, string? signatures, byte[] body, IReadOnlyList<byte[]> keys, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return "webhook-id, webhook-timestamp and webhook-signature are required.";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "webhook-timestamp is not integer Unix seconds.";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return $"webhook-timestamp {timestamp} is outside the tolerance of {tolerance.TotalSeconds:0} s.";
        }

        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        var expected = keys.Select(key => Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)))).ToList();
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(candidate);
            if (expected.Any(e => CryptographicOperations.FixedTimeEquals(e, bytes)))
            {
                return null;
            }
        }

        return "No signature matches a secret of this endpoint.";
    }
}
