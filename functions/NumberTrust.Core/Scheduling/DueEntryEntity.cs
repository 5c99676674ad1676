using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Scheduling;

/// <summary>
/// A number's entry in the due-time index (<c>ScanSchedule</c>, keys in <see cref="DueIndex"/>). Entries form schedule chains;
/// <see cref="ScheduleChains"/> keeps their rules.
/// </summary>
public sealed class DueEntryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public string Region { get; set; } = "";

    public string NumberType { get; set; } = "";

    /// <summary>The schedule chain this entry continues (the partition of the entry that started it); null on that first entry.</summary>
    public string? Chain { get; set; }

    /// <summary>The id of the chain this entry belongs to.</summary>
    public string ChainId() => Chain ?? PartitionKey;
}
