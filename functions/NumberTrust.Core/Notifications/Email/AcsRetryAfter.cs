using System.Globalization;
using Azure;

namespace NumberTrust.Notifications.Email;

/// <summary>Reads the delay ACS asks for: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>, or <c>Retry-After</c> (seconds or an HTTP date).</summary>
internal static class AcsRetryAfter
{
    public static TimeSpan? Read(Response response, DateTimeOffset now)
    {
        foreach (var header in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            {
                return TimeSpan.FromMilliseconds(millis);
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }
}
