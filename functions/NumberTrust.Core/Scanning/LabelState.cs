using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Scanning;

/// <summary>
/// Current label state of one number on one platform: row <c>label|{platform}</c> in the number's partition of <c>Numbers</c>.
/// Shared by every tenant that watches the number.
/// </summary>
public sealed class LabelStateEntity : ITableEntity
{
    public const string RowPrefix = "label|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary><c>Labeled</c>, <c>Clean</c>, or <c>Unknown</c> while nothing was ever read.</summary>
    public string State { get; set; } = nameof(ObservedState.Unknown);

    public string? Category { get; set; }

    public string? LabelText { get; set; }

    public int? ReportCount { get; set; }

    public string? SourceApp { get; set; }

    /// <summary>When the current label (category) was first seen.</summary>
    public DateTimeOffset? FirstSeenAt { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }

    public DateTimeOffset? LastChangedAt { get; set; }

    /// <summary>When the platform last answered readably.</summary>
    public DateTimeOffset? LastReadAt { get; set; }

    public int ConsecutiveUnknowns { get; set; }

    public string? LastUnknownReason { get; set; }

    /// <summary>Set when the Unreadable event of the current unknown streak was raised.</summary>
    public bool UnreadableRaised { get; set; }

    /// <summary>Id of the last job applied; a redelivered job with the same id is recognised and not applied twice.</summary>
    public string? LastJobId { get; set; }

    /// <summary>True between a change's transaction and its follow-ups (event dispatch, tenant summaries).</summary>
    public bool FollowUpPending { get; set; }

    public string? EvidenceUrl { get; set; }

    public int? EvidenceStatus { get; set; }

    public string? EvidenceExcerpt { get; set; }

    /// <summary>Why the last job for this platform failed for good (poisoned), if it did.</summary>
    public string? LastFailure { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }

    public string Platform => RowKey[RowPrefix.Length..];

    public static string RowFor(string platform) => RowPrefix + platform;
}

/// <summary>
/// One change of a number's label on a platform: row <c>hist|{platform}|{ticks}|{job}</c> in the number's partition, written in the
/// same transaction as the state, so it exists exactly once per applied change.
/// </summary>
public sealed class LabelHistoryEntity : ITableEntity
{
    public const string RowPrefix = "hist|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Platform { get; set; } = "";

    public DateTimeOffset ObservedAt { get; set; }

    public string FromState { get; set; } = "";

    public string? FromCategory { get; set; }

    public string ToState { get; set; } = "";

    public string? ToCategory { get; set; }

    public string? LabelText { get; set; }

    public int? ReportCount { get; set; }

    public string? SourceApp { get; set; }

    public string? EvidenceUrl { get; set; }

    public int? EvidenceStatus { get; set; }

    public string? EvidenceExcerpt { get; set; }

    public string JobId { get; set; } = "";

    public static string RowFor(string platform, DateTimeOffset observedAt, string jobId) =>
        $"{RowPrefix}{platform}|{observedAt.UtcTicks:D19}|{jobId}";
}

/// <summary>Kinds of label change events sent to the <c>alerts</c> queue.</summary>
public enum LabelEventType
{
    NewLabel,
    CategoryChanged,
    CountJump,
    Cleared,
    Unreadable,
}

/// <summary>
/// A label change event, kept as row <c>event|{id}</c> in the number's partition (written with the state change, so it exists once)
/// and sent to the <c>alerts</c> queue. The id is derived from the job and type, so a resend carries the same id.
/// </summary>
public sealed class LabelEventEntity : ITableEntity
{
    public const string RowPrefix = "event|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string EventId { get; set; } = "";

    public string Type { get; set; } = "";

    public string Platform { get; set; } = "";

    public string? FromCategory { get; set; }

    public string? ToCategory { get; set; }

    /// <summary>For CategoryChanged: <c>escalation</c> or <c>de-escalation</c>.</summary>
    public string? Direction { get; set; }

    public int? FromCount { get; set; }

    public int? ToCount { get; set; }

    public string? LabelText { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public bool Dispatched { get; set; }

    /// <summary>When a follow-up claimed the event for sending; a stale claim (sender died) may be taken over.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }
}

/// <summary>The versioned message put on the <c>alerts</c> queue for each label event.</summary>
public sealed record LabelEventMessage(
    int Version,
    string EventId,
    LabelEventType Type,
    string Number,
    string Platform,
    string? FromCategory,
    string? ToCategory,
    string? Direction,
    int? FromCount,
    int? ToCount,
    string? LabelText,
    DateTimeOffset OccurredAt)
{
    public const int CurrentVersion = 1;
}
