namespace NumberTrust.Upkeep.CallStats;

/// <summary>Calls attempted and answered over a span of days.</summary>
public readonly record struct CallTotals(long Attempted, long Answered)
{
    public decimal? Rate => Attempted == 0 ? null : (decimal)Answered / Attempted;

    public CallTotals Add(CallDay day) => new(Attempted + day.Attempted, Answered + day.Answered);
}

/// <summary>The windows the detector looks at on one day: the 7 days ending that day and the 28 days before them.</summary>
public readonly record struct AnswerRateWindows(DateOnly AsOf, CallTotals Recent, CallTotals Baseline, CallTotals Trailing28)
{
    public const int RecentDays = 7;
    public const int BaselineDays = 28;

    /// <summary>The 7-day window and the 28 days before it, so a drop never lowers its own baseline; the trailing 28 days for display.</summary>
    public static AnswerRateWindows Of(IReadOnlyDictionary<DateOnly, CallDay> series, DateOnly asOf)
    {
        CallTotals recent = default, baseline = default, trailing = default;
        for (var back = 0; back < RecentDays + BaselineDays; back++)
        {
            if (!series.TryGetValue(asOf.AddDays(-back), out var day))
            {
                continue;
            }

            if (back < RecentDays)
            {
                recent = recent.Add(day);
            }
            else
            {
                baseline = baseline.Add(day);
            }

            if (back < BaselineDays)
            {
                trailing = trailing.Add(day);
            }
        }

        return new(asOf, recent, baseline, trailing);
    }

    /// <summary>How many percentage points the 7-day rate lies under <paramref name="reference"/>; null without calls on either side.</summary>
    public decimal? PointsUnder(CallTotals reference) =>
        Recent.Attempted == 0 || reference.Attempted == 0
            ? null
            // Cross-multiplied so "exactly N points" is exact (20/25 against 70/100 is 10 points, not 9.999…).
            : 100m * ((decimal)reference.Answered * Recent.Attempted - (decimal)Recent.Answered * reference.Attempted) / ((decimal)reference.Attempted * Recent.Attempted);
}

/// <summary>Where a number's drop detector stands: in a drop episode since a day, against the baseline measured then.</summary>
public sealed record DropState(DateOnly? EvaluatedThrough, DateOnly? DropSince, CallTotals DropBaseline)
{
    public static readonly DropState Initial = new(null, null, default);

    public bool InDrop => DropSince is not null;
}

/// <summary>
/// The answer-rate drop rule (docs/architecture.md, "Answer-rate early warning"): pure, so the same series gives the same episodes
/// however often it is evaluated.
/// </summary>
public static class AnswerRateDetector
{
    /// <summary>Moves the state through <paramref name="days"/> in order; a day with too few calls on either side changes nothing.</summary>
    public static DropState Evaluate(DropState state, IReadOnlyDictionary<DateOnly, CallDay> series, IEnumerable<DateOnly> days, CallStatsOptions options)
    {
        foreach (var day in days.Order())
        {
            var windows = AnswerRateWindows.Of(series, day);
            if (!state.InDrop)
            {
                if (windows.Recent.Attempted >= options.MinCalls && windows.Baseline.Attempted >= options.MinCalls &&
                    windows.PointsUnder(windows.Baseline) >= options.DropPoints)
                {
                    state = state with { DropSince = day, DropBaseline = windows.Baseline };
                }
            }
            else if (windows.Recent.Attempted >= options.MinCalls && windows.PointsUnder(state.DropBaseline) <= options.RecoveryPoints)
            {
                // Measured against the baseline of the episode's start: the sliding baseline sinks with a long drop and would end it falsely.
                state = state with { DropSince = null, DropBaseline = default };
            }

            state = state with { EvaluatedThrough = state.EvaluatedThrough is { } through && through > day ? through : day };
        }

        return state;
    }

    /// <summary>
    /// The days a post makes the detector look at: every day after the last one evaluated up to the latest with data, or, when the
    /// post only corrected earlier days, the last evaluated day again (its windows may have changed).
    /// </summary>
    public static IReadOnlyList<DateOnly> DaysToEvaluate(DropState state, DateOnly earliestPosted, DateOnly latestWithData)
    {
        if (state.EvaluatedThrough is { } through && latestWithData <= through)
        {
            return [through];
        }

        var start = state.EvaluatedThrough is { } t ? t.AddDays(1) : earliestPosted;
        // After a long silence the windows of the first days are empty anyway; a bound keeps a post's work bounded.
        var bound = latestWithData.AddDays(-(CallStatsInput.MaxDays + AnswerRateWindows.RecentDays + AnswerRateWindows.BaselineDays));
        start = start < bound ? bound : start;
        var result = new List<DateOnly>();
        for (var day = start; day <= latestWithData; day = day.AddDays(1))
        {
            result.Add(day);
        }

        return result;
    }
}
