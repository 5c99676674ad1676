using System.Globalization;
using NumberTrust.Hosting;

namespace NumberTrust.Upkeep;

/// <summary>The <c>from</c>/<c>to</c> day range of the upkeep series endpoints (yyyy-MM-dd, inclusive, UTC today by default).</summary>
public static class DayRange
{
    public const int MaxSpanDays = 400;

    public static Validated<(DateOnly From, DateOnly To)> Parse(string? fromText, string? toText, DateTimeOffset now, int defaultDays)
    {
        var to = DateOnly.FromDateTime(now.UtcDateTime);
        if (toText is not null && !TryDay(toText, out to))
        {
            return Problems.Invalid("to", $"'{Display.Shorten(toText)}' is not a date (yyyy-MM-dd).");
        }

        var from = to.AddDays(1 - defaultDays);
        if (fromText is not null && !TryDay(fromText, out from))
        {
            return Problems.Invalid("from", $"'{Display.Shorten(fromText)}' is not a date (yyyy-MM-dd).");
        }

        return from > to ? Problems.Invalid("from", "from must not be after to.")
            : to.DayNumber - from.DayNumber >= MaxSpanDays ? Problems.Invalid("from", $"At most {MaxSpanDays} days per request.")
            : (from, to);
    }

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
