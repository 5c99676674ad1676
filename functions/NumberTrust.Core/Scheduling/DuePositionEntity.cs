using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Scheduling;

/// <summary>
/// Where a number's schedule chain is now (<c>ScanPositions</c> table, partition = shard, row key = E.164). The planner writes these
/// in entity-group transactions per page when it moves entries forward; only readers that need a number's actual due time
/// (the peak-window pull-forward) read them. A position whose chain is not the facts row's is out of date: the chain was restarted
/// and has not been moved since, so it is still at its first entry.
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
