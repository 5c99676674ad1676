using NumberTrust.Numbers;

namespace NumberTrust.Lookups;

/// <summary>The platforms the pipeline can query, their pacing, and the lookup itself.</summary>
public interface ILabelSource
{
    /// <summary>Enabled platforms that cover a number (by its region), used when a registration names none.</summary>
    IReadOnlyList<string> PlatformsFor(CanonicalNumber number);

    /// <summary>Whether the platform exists and is enabled in this deployment.</summary>
    bool IsEnabled(string platform);

    /// <summary>Configured requests per second for a platform; scheduling spreads jobs to stay under it.</summary>
    double RequestsPerSecond(string platform);

    Task<Observation> LookupAsync(string platform, CanonicalNumber number, CancellationToken cancellationToken);
}
