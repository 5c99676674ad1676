using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Simulator;

/// <summary>
/// Verifies Tencent Cloud TC3-HMAC-SHA256 signatures the way the real API does (its own implementation, independent of the
/// adapter's signer): credential, signed headers, timestamp within 5 minutes, and the signature over the canonical request.
/// </summary>
internal static class Tc3Verifier
{
    public sealed record Failure(string Code, string Message);

    public static Failure? Verify(HttpRequest request, string body, string secretId, string secretKey, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("TC3-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return new Failure("AuthFailure.MissingAuthenticationInfo", "The Authorization header is missing or not TC3-HMAC-SHA256.");
        }

        var fields = authorization["TC3-HMAC-SHA256 ".Length..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) ||
            !fields.TryGetValue("Signature", out var signature))
        {
            return new Failure("AuthFailure.InvalidAuthorization", "Authorization lacks Credential, SignedHeaders or Signature.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 4 || scope[0] != secretId)
        {
            return new Failure("AuthFailure.SecretIdNotFound", "The SecretId does not exist.");
        }

        if (!long.TryParse(request.Headers["X-TC-Timestamp"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestamp))
        {
            return new Failure("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing.");
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return new Failure("AuthFailure.SignatureExpire", "The signature expired: the timestamp is more than 5 minutes away from server time.");
        }

        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var service = scope[2];
        if (scope[1] != date || scope[3] != "tc3_request")
        {
            return new Failure("AuthFailure.InvalidAuthorization", "The credential scope does not match the timestamp.");
        }

        var headerNames = signedHeaders.Split(';');
        var canonicalHeaders = new StringBuilder();
        foreach (var name in headerNames)
        {
            var value = name == "host" ? request.Host.Value : request.Headers[name].ToString();
            canonicalHeaders.Append(name).Append(':').Append(value?.Trim().ToLowerInvariant()).Append('\n');
        }

        var canonicalRequest = string.Join('\n',
            request.Method, "/", request.QueryString.HasValue ? request.QueryString.Value![1..] : "", canonicalHeaders.ToString(), signedHeaders, Sha256Hex(body));
        var stringToSign = string.Join('\n', "TC3-HMAC-SHA256", timestamp.ToString(CultureInfo.InvariantCulture), $"{date}/{service}/tc3_request", Sha256Hex(canonicalRequest));

        var key = Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), date);
        key = Hmac(key, service);
        key = Hmac(key, "tc3_request");
        var expected = Convert.ToHexString(Hmac(key, stringToSign)).ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : new Failure("AuthFailure.SignatureFailure", "The provided credentials could not be validated: the signature does not match.");
    }

    private static string Sha256Hex(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    private static byte[] Hmac(byte[] key, string message)
    {
        using var hmac = new HMACSHA256(key);
        return hmac.ComputeHash(Encoding.UTF8.GetBytes(message));
    }
}
