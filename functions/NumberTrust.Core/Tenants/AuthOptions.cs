using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Tenants;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    public const int MinAdminKeyLength = 24;

    /// <summary>
    /// Bootstrap admin key that creates tenants and their keys. Admin endpoints answer 401 while it is unset, and 503 naming the
    /// problem while it is too short; nothing else depends on it, so a bad value never stops the app.
    /// </summary>
    public string? AdminKey
    {
        get => _adminKey;
        set => _adminKey = Hosting.SecretSetting.Clean(value); // empty, or an unresolved Key Vault reference, means "unset"
    }

    private string? _adminKey;

    /// <summary>Why the configured admin key cannot be used, or null.</summary>
    public string? AdminKeyProblem => AdminKey is { Length: < MinAdminKeyLength } key
        ? $"Auth:AdminKey is set but has {key.Length} characters; it must have at least {MinAdminKeyLength}, so admin endpoints are off."
        : null;

    /// <summary>How long a verified API key is trusted before it is read from storage again (revocation reaches other instances within this time).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Auth:KeyCacheDuration must be between 0 and 10 minutes.")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unknown or revoked key id is remembered, so repeating it costs no storage read.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Auth:UnknownKeyCacheDuration must be between 0 and 10 minutes.")]
    public TimeSpan UnknownKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed authentications one client address may cause per <see cref="FailureWindow"/> before it gets 429s.</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerWindow { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Auth:FailureWindow must be between 1 second and 1 hour.")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}
