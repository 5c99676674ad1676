namespace NumberTrust.Hosting;

/// <summary>
/// Secret app settings in Azure are Key Vault references; when App Service cannot resolve one it passes the reference text itself.
/// Such a value, like an empty one, means "not set".
/// </summary>
public static class SecretSetting
{
    public const string UnresolvedPrefix = "@Microsoft.KeyVault(";

    public static bool IsUnresolvedReference(string? value) => value?.TrimStart().StartsWith(UnresolvedPrefix, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The value, or null when it is empty or an unresolved Key Vault reference.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) || IsUnresolvedReference(value) ? null : value;

    /// <summary>The settings whose value is an unresolved Key Vault reference, for the configuration check.</summary>
    public static IEnumerable<string> UnresolvedIn(IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.Where(s => IsUnresolvedReference(s.Value)).Select(s => s.Key);
}
