using Microsoft.Extensions.Options;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// Settings of email alerts, section <c>Email</c>. In Azure: <see cref="Endpoint"/> and the app's managed identity
/// (<see cref="ClientId"/>); locally: <see cref="ConnectionString"/> of the fake ACS endpoint, which then replaces the identity.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The ACS resource, e.g. <c>https://nt-acs.europe.communication.azure.com</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The From address, <c>DoNotReply@&lt;domain&gt;</c> of a domain linked to the resource.</summary>
    public string? SenderAddress { get; set; }

    /// <summary>Client id of the user-assigned managed identity; empty = DefaultAzureCredential.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>endpoint=…;accesskey=…</c>; when set, access-key (HMAC) signing is used instead of the identity.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether email is configured at all (an endpoint or a connection string).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(ConnectionString);
}

/// <summary>Start-up validation of <see cref="EmailOptions"/>, with messages that name the setting to fix.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (!AcsConnectionString.TryParse(options.ConnectionString, out _, out var problem))
            {
                errors.Add($"{EmailOptions.Section}:ConnectionString: {problem}");
            }
        }
        else if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            // Bearer tokens are only ever sent over TLS (Azure.Core refuses otherwise).
            errors.Add($"{EmailOptions.Section}:Endpoint must be an absolute https URL of the ACS resource, e.g. https://<name>.communication.azure.com.");
        }

        if (string.IsNullOrWhiteSpace(options.SenderAddress) || !LooksLikeAddress(options.SenderAddress))
        {
            errors.Add($"{EmailOptions.Section}:SenderAddress must be an email address (DoNotReply@<domain linked to the ACS resource>).");
        }

        if (!string.IsNullOrWhiteSpace(options.ClientId) && !Guid.TryParse(options.ClientId, out _))
        {
            errors.Add($"{EmailOptions.Section}:ClientId must be the managed identity's client id (a GUID).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>One '@' with text on both sides and no white space: enough to catch a typo, not an RFC 5322 parser.</summary>
    internal static bool LooksLikeAddress(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1 && !value.Any(char.IsWhiteSpace);
    }
}
