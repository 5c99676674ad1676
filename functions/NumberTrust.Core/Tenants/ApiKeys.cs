using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace NumberTrust.Tenants;

/// <summary>Format of tenant API keys: <c>ntk_&lt;16 hex key id&gt;.&lt;43 base64url secret&gt;</c>.</summary>
public static class ApiKeys
{
    private const string Prefix = "ntk_";
    private const int KeyIdLength = 16;

    public static (string KeyId, string Key) Create()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (keyId, $"{Prefix}{keyId}.{secret}");
    }

    public static bool TryParse(string? key, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = null;
        secret = null;
        if (key is null || key.Length > 200 || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot != Prefix.Length + KeyIdLength || dot == key.Length - 1)
        {
            return false;
        }

        var id = key[Prefix.Length..dot];
        if (!id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        keyId = id;
        secret = key[(dot + 1)..];
        return true;
    }

    public static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with a stored hash.</summary>
    public static bool Matches(string secret, string storedHash)
    {
        Span<byte> stored = stackalloc byte[32];
        if (!Convert.TryFromBase64String(storedHash, stored, out var written) || written != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), stored);
    }

    /// <summary>Constant-time comparison of two arbitrary strings (hashing first hides the length).</summary>
    public static bool SecretEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
