using NumberTrust.Lookups;

namespace NumberTrust.Upkeep.Trust;

/// <summary>Turns recorded days into a daily trust score for one registration (its platforms, today's weights).</summary>
public static class TrustSeries
{
    /// <summary>The score of every day from <paramref name="from"/> to <paramref name="to"/> since the first record; earlier days have none.</summary>
    public static IReadOnlyList<(DateOnly Date, int Score, IReadOnlyList<string> Labeled)> Daily(
        IReadOnlyList<TrustDay> recorded, DateOnly from, DateOnly to, IReadOnlySet<string> shown, TrustScorer scorer)
    {
        var result = new List<(DateOnly, int, IReadOnlyList<string>)>();
        var next = 0;
        TrustDay? current = null;
        for (var day = recorded.Count > 0 && recorded[0].Date > from ? recorded[0].Date : from; day <= to; day = day.AddDays(1))
        {
            while (next < recorded.Count && recorded[next].Date <= day)
            {
                current = recorded[next++];
            }

            if (current is not null)
            {
                var labels = current.Labels.Where(l => shown.Contains(l.Platform)).ToList();
                result.Add((day, scorer.Score(labels.Select(l => (l.Platform, l.Category, l.Severity))), labels.Select(l => l.Platform).ToList()));
            }
        }

        return result;
    }

    /// <summary>The score on one day (the last record at or before it), or null before the first record.</summary>
    public static int? On(IReadOnlyList<TrustDay> recorded, DateOnly day, IReadOnlySet<string> shown, TrustScorer scorer) =>
        recorded.LastOrDefault(r => r.Date <= day) is { } record
            ? scorer.Score(record.Labels.Where(l => shown.Contains(l.Platform)).Select(l => (l.Platform, l.Category, l.Severity)))
            : null;
}
