namespace NumberTrust.Lookups;

/// <summary>A number's labels weighed into one score (<see cref="TrustScoreOptions"/> has the formula and the weights).</summary>
public sealed class TrustScorer(Microsoft.Extensions.Options.IOptions<TrustScoreOptions> options)
{
    public int Score(IEnumerable<(string Platform, string Category, string? Severity)> labels)
    {
        var o = options.Value;
        var trust = 1.0;
        foreach (var (platform, category, severity) in labels)
        {
            var reach = Math.Clamp(o.PlatformReach.TryGetValue(platform, out var r) ? r : o.DefaultReach, 0, 1);
            var weight = o.CategoryWeight.TryGetValue(category, out var w) ? w : o.DefaultCategoryWeight;
            if (severity is not null && o.SeverityFactor.TryGetValue(severity, out var factor))
            {
                weight *= factor;
            }

            trust *= 1 - (reach * Math.Clamp(weight, 0, 1));
        }

        return (int)Math.Round(trust * 100, MidpointRounding.AwayFromZero);
    }
}
