/// <summary>Per-kind difference of two counter snapshots, per job.</summary>
internal static class Breakdown
{
    public static string PerJob(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, int jobs) =>
        string.Join(", ", after
            .Select(kv => (kv.Key, Delta: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Delta > 0 && !kv.Key.Contains('(', StringComparison.Ordinal))
            .OrderByDescending(kv => kv.Delta)
            .Select(kv => $"{kv.Key} {kv.Delta / (double)jobs:0.000}"));

    public static string Totals(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        string.Join(", ", after
            .Select(kv => (kv.Key, Delta: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Delta > 0)
            .OrderByDescending(kv => kv.Delta)
            .Select(kv => $"{kv.Key} {kv.Delta}"));
}
