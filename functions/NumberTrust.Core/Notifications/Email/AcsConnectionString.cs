namespace NumberTrust.Notifications.Email;

/// <summary>An ACS connection string, <c>endpoint=https://…;accesskey=&lt;base64&gt;</c> (keys in any case, in any order).</summary>
internal sealed record AcsConnectionString(Uri Endpoint, string AccessKey)
{
    public static AcsConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return TryParse(connectionString, out var parsed, out var problem) ? parsed : throw new FormatException(problem);
    }

    public static bool TryParse(string? connectionString, out AcsConnectionString parsed, out string problem)
    {
        parsed = null!;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in (connectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split on the first '=' only: base64 keys end in '=' padding.
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = "The ACS connection string has a part that is not name=value.";
                return false;
            }

            values[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        if (!values.TryGetValue("endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            problem = "The ACS connection string needs endpoint=<absolute http(s) URL>.";
            return false;
        }

        if (!values.TryGetValue("accesskey", out var key) || !IsBase64(key))
        {
            problem = "The ACS connection string needs accesskey=<base64 key>.";
            return false;
        }

        parsed = new AcsConnectionString(new Uri(uri.GetLeftPart(UriPartial.Authority)), key);
        problem = "";
        return true;
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return value.Length > 0 && Convert.TryFromBase64String(value, buffer, out var written) && written > 0;
    }

    // The key is a secret: keep it out of logs and exception messages.
    public override string ToString() => $"endpoint={Endpoint};accesskey=***";
}
