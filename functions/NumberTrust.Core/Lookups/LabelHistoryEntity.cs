using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Lookups;

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

    public string? Severity { get; set; }

    public string? EvidenceUrl { get; set; }

    public int? EvidenceStatus { get; set; }

    public string? EvidenceExcerpt { get; set; }

    public string JobId { get; set; } = "";

    public static string RowFor(string platform, DateTimeOffset observedAt, string jobId) =>
        $"{RowPrefix}{platform}|{observedAt.UtcTicks:D19}|{jobId}";
}
