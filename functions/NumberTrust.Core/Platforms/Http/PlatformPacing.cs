using System.Net.Http.Headers;

namespace NumberTrust.Platforms;

/// <summary>Retry-After arithmetic (pacing itself is <see cref="RequestSpacing"/>).</summary>
public static class PlatformPacing
{
    /// <summary>Retry-After as a delay (delta seconds or an HTTP date relative to now); null when absent.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}

/// <summary>Combines a configured base URL (scheme, host, port only) with the platform's real paths.</summary>
public static class PlatformBaseUrl
{
    public static Uri Resolve(string? configured, Uri platformDefault)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return platformDefault;
        }

        var uri = new Uri(configured, UriKind.Absolute);
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri;
    }

    /// <summary>A URL of the platform: base (scheme, host, port) + the platform's own path and query.</summary>
    public static Uri Combine(Uri baseUrl, string pathAndQuery) => new(baseUrl, pathAndQuery);

    /// <summary>Validation message for a configured base URL, or null when it is acceptable.</summary>
    public static string? Problem(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"BaseUrl '{configured}' must be an absolute http or https URL such as http://127.0.0.1:5301.";
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"BaseUrl '{configured}' may only give scheme, host and port; the adapter keeps the platform's own paths and query parameters.";
        }

        return null;
    }
}
