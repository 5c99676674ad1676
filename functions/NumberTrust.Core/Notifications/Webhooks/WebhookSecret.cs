using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace NumberTrust.Notifications.Webhooks;

/// <summary>A Standard Webhooks signing secret: <c>whsec_</c> + base64 of 24 to 64 bytes (32 random bytes when generated).</summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;
    public const int GeneratedKeyBytes = 32;

    private readonly byte[] _key;

    private WebhookSecret(string value, byte[] key)
    {
        Value = value;
        _key = key;
    }

    /// <summary>The full <c>whsec_…</c> text, to store and to show the subscriber once.</summary>
    public string Value { get; }

    internal ReadOnlySpan<byte> Key => _key;

    public static WebhookSecret Generate()
    {
        var key = RandomNumberGenerator.GetBytes(GeneratedKeyBytes);
        return new WebhookSecret(Prefix + Convert.ToBase64String(key), key);
    }

    public static WebhookSecret Parse(string value) =>
        TryParse(value, out var secret, out var problem) ? secret : throw new FormatException(problem);

    public static bool TryParse(string? value, [NotNullWhen(true)] out WebhookSecret? secret) => TryParse(value, out secret, out _);

    /// <summary>Null when <paramref name="value"/> is a valid secret, else why not (for a 400 naming the field).</summary>
    public static string? Validate(string? value) => TryParse(value, out _, out var problem) ? null : problem;

    /// <summary>Never the secret itself, so a logged object does not leak it.</summary>
    public override string ToString() => Prefix + "***";

    private static bool TryParse(string? value, [NotNullWhen(true)] out WebhookSecret? secret, out string problem)
    {
        secret = null;
        if (string.IsNullOrEmpty(value) || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = $"A webhook secret starts with '{Prefix}'.";
            return false;
        }

        var encoded = value[Prefix.Length..];
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, buffer, out var length))
        {
            problem = $"A webhook secret is '{Prefix}' followed by base64.";
            return false;
        }

        if (length is < MinKeyBytes or > MaxKeyBytes)
        {
            problem = $"A webhook secret holds {MinKeyBytes} to {MaxKeyBytes} bytes; this one holds {length}.";
            return false;
        }

        secret = new WebhookSecret(value, buffer[..length]);
        problem = "";
        return true;
    }
}
