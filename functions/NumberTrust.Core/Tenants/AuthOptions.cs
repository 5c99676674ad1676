using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Tenants;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Bootstrap admin key that creates tenants and their keys. Admin endpoints answer 401 while it is unset.</summary>
    [MinLength(24, ErrorMessage = "Auth:AdminKey must be at least 24 characters.")]
    public string? AdminKey
    {
        get => _adminKey;
        set => _adminKey = string.IsNullOrWhiteSpace(value) ? null : value; // an empty app setting means "unset"
    }

    private string? _adminKey;

    /// <summary>How long a verified API key is trusted before it is read from storage again (revocation reaches other instances within this time).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Auth:KeyCacheDuration must be between 0 and 10 minutes.")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
