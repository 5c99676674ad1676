using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Lookups;

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

    /// <summary>A severity the platform states beside the category (Nomorobo's <c>SEVERE</c>), lower case; null when none.</summary>
    public string? Severity { get; set; }

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
