namespace NumberTrust.Upkeep.CallStats;

/// <summary>
/// A number's answer rates as of a day (fractions 0..1, null without calls): the 7 days ending that day, the 28 days ending that day,
/// the detector's baseline (the 28 days before the 7-day window), and the drop episode the number is in, if any.
/// </summary>
public sealed record CallStatsTrend(
    string AsOf,
    long Calls7Day,
    decimal? Rate7Day,
    long Calls28Day,
    decimal? Rate28Day,
    decimal? Baseline28Day,
    bool InDrop,
    string? DropSince,
    decimal? DropBaseline)
{
    public static CallStatsTrend Of(IReadOnlyDictionary<DateOnly, CallDay> series, DateOnly asOf, DropState state)
    {
        var w = AnswerRateWindows.Of(series, asOf);
        return new(
            asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            w.Recent.Attempted, Round(w.Recent.Rate), w.Trailing28.Attempted, Round(w.Trailing28.Rate), Round(w.Baseline.Rate),
            state.InDrop, state.DropSince?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Round(state.DropBaseline.Rate));
    }

    public static decimal? Round(decimal? rate) => rate is { } r ? Math.Round(r, 4, MidpointRounding.AwayFromZero) : null;
}
