namespace NumberTrust.Scanning;

/// <summary>What one lookup saw, reduced to what the scan pipeline stores: exactly one of labeled, clean or unknown.</summary>
public enum ObservedState
{
    Unknown,
    Clean,
    Labeled,
}

/// <summary>
/// One platform's answer for one number. <see cref="ObservedState.Unknown"/> carries the reason and, for rate limits and open
/// circuits, when to try again; it never overwrites a known state.
/// </summary>
public sealed record Observation(
    ObservedState State,
    string? Category = null,
    string? LabelText = null,
    int? ReportCount = null,
    string? SourceApp = null,
    string? UnknownReason = null,
    TimeSpan? RetryAfter = null,
    string? EvidenceUrl = null,
    int? EvidenceStatus = null,
    string? EvidenceExcerpt = null,
    string? Detail = null)
{
    /// <summary>True for Unknowns that mean "not now" (429, open circuit): the job is rescheduled instead of recorded.</summary>
    public bool ShouldReschedule => State == ObservedState.Unknown && UnknownReason is "RateLimited" or "CircuitOpen";
}

/// <summary>The platforms the pipeline can query, their pacing, and the lookup itself.</summary>
public interface ILabelSource
{
    /// <summary>Enabled platforms that cover a number (by its region), used when a registration names none.</summary>
    IReadOnlyList<string> PlatformsFor(Numbers.CanonicalNumber number);

    /// <summary>Whether the platform exists and is enabled in this deployment.</summary>
    bool IsEnabled(string platform);

    /// <summary>Configured requests per second for a platform; scheduling spreads jobs to stay under it.</summary>
    double RequestsPerSecond(string platform);

    Task<Observation> LookupAsync(string platform, Numbers.CanonicalNumber number, CancellationToken cancellationToken);
}
