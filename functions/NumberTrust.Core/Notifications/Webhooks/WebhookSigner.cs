using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>
/// Standard Webhooks signatures: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, header value <c>v1,&lt;base64&gt;</c> per secret,
/// space-separated, so during a rotation receivers holding either the old or the new secret accept the delivery.
/// </summary>
public static class WebhookSigner
{
    public const string Version = "v1";

    public static string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret signs a delivery.", nameof(secrets));
        }

        var signatures = new string[secrets.Count];
        for (var i = 0; i < secrets.Count; i++)
        {
            signatures[i] = Version + "," + Convert.ToBase64String(Digest(webhookId, timestamp, body, secrets[i]));
        }

        return string.Join(' ', signatures);
    }

    public static string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body, WebhookSecret secret) =>
        Sign(webhookId, timestamp, body, [secret]);

    internal static byte[] Digest(string webhookId, long timestamp, ReadOnlySpan<byte> body, WebhookSecret secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        ArgumentNullException.ThrowIfNull(secret);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret.Key);
        hmac.AppendData(Encoding.UTF8.GetBytes(webhookId + "." + timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
