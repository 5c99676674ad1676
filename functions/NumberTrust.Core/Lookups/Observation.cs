using NumberTrust.Platforms;

namespace NumberTrust.Lookups;

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
/// <see cref="Identity"/> is the verified name the platform shows, never a label.
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
    string? Detail = null,
    string? Severity = null,
    DisplayedIdentity? Identity = null)
{
    /// <summary>True for Unknowns that mean "not now" (429, open circuit): the job is rescheduled instead of recorded.</summary>
    public bool ShouldReschedule => State == ObservedState.Unknown && UnknownReason is "RateLimited" or "CircuitOpen";
}
