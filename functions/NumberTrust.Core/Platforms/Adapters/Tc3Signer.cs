using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NumberTrust.Platforms;

/// <summary>
/// Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256) for a JSON POST to <c>/</c>: canonical request, string to sign, keys
/// derived as TC3+SecretKey → date → service → "tc3_request", and the Authorization header.
/// </summary>
public static class Tc3Signer
{
    public const string Algorithm = "TC3-HMAC-SHA256";
    public const string SignedHeaders = "content-type;host";

    public static string CanonicalRequest(string contentType, string host, string payload) =>
        "POST\n/\n\n" +
        $"content-type:{contentType.Trim().ToLowerInvariant()}\nhost:{host.Trim().ToLowerInvariant()}\n\n" +
        $"{SignedHeaders}\n" +
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));

    public static string StringToSign(long timestamp, string service, string canonicalRequest) =>
        $"{Algorithm}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{Date(timestamp)}/{service}/tc3_request\n" +
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    public static string Signature(string secretKey, long timestamp, string service, string stringToSign)
    {
        var secretDate = Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), Date(timestamp));
        var secretService = Hmac(secretDate, service);
        var secretSigning = Hmac(secretService, "tc3_request");
        return Hex(Hmac(secretSigning, stringToSign));
    }

    /// <summary>The Authorization header value for a request.</summary>
    public static string Authorization(string secretId, string secretKey, string service, string host, string contentType, string payload, long timestamp)
    {
        var canonical = CanonicalRequest(contentType, host, payload);
        var signature = Signature(secretKey, timestamp, service, StringToSign(timestamp, service, canonical));
        return $"{Algorithm} Credential={secretId}/{Date(timestamp)}/{service}/tc3_request, SignedHeaders={SignedHeaders}, Signature={signature}";
    }

    /// <summary>UTC date of the timestamp, yyyy-MM-dd.</summary>
    public static string Date(long timestamp) =>
        DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static byte[] Hmac(byte[] key, string message) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
