using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Scheduling;

/// <summary>
/// Where a number's schedule chain is now (partition = shard, row = E.164), for readers that need its due time (the pull-forward).
/// A position of another chain than the facts row's is out of date: that chain is still at its first entry.
/// </summary>
public sealed class DuePositionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Chain { get; set; } = "";

    /// <summary>Partition of the chain's current entry in the due-time index.</summary>
    public string DuePartition { get; set; } = "";

    public DateTimeOffset DueAt { get; set; }

    public static DuePositionEntity Of(DueEntryEntity entry) => new()
    {
        PartitionKey = DueIndex.PositionPartition(entry.RowKey),
        RowKey = entry.RowKey,
        Chain = entry.ChainId(),
        DuePartition = entry.PartitionKey,
        DueAt = entry.DueAt,
    };
}
