namespace NumberTrust.Numbers;

/// <summary>Body of <c>PUT /api/numbers/{number}</c>. Absent fields take their defaults: a PUT replaces the registration.</summary>
public sealed record RegisterNumberRequest(
    string? DisplayName = null,
    string? Department = null,
    IReadOnlyList<string>? Tags = null,
    MonitoringCadence? Cadence = null,
    IReadOnlyList<string>? Platforms = null);

/// <summary>One platform's label state for a number (filled by scanning).</summary>
public sealed record LabelStatusView(
    string Platform,
    string State,
    string? Category,
    string? LabelText,
    int? ReportCount,
    string? SourceApp,
    string? Severity,
    DateTimeOffset? FirstSeenAt,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? LastChangedAt,
    int ConsecutiveUnknowns,
    string? LastUnknownReason,
    string? LastFailure,
    string? EvidenceUrl,
    int? EvidenceStatus,
    string? EvidenceExcerpt);

public sealed record NumberView(
    string Number,
    string InternationalFormat,
    string Region,
    NumberType Type,
    string? DisplayName,
    string? Department,
    IReadOnlyList<string> Tags,
    MonitoringCadence Cadence,
    IReadOnlyList<string> Platforms,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    bool Labeled,
    string? WorstCategory,
    IReadOnlyList<string> LabeledPlatforms,
    int? TrustScore,
    IReadOnlyList<LabelStatusView> Labels);

public sealed record NumberPage(IReadOnlyList<NumberView> Items, string? ContinuationToken);
