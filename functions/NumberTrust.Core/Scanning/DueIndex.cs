using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Scanning;

/// <summary>
/// A number's entry in the due-time index (<c>ScanSchedule</c> table). Partition = <c>{shard:D2}|{bucket}</c> where bucket is the
/// due minute (<c>yyyyMMddHHmm</c>), row key = E.164. A planner shard reads one contiguous partition range per tick (its shard,
/// from the last planned minute to now), so a tick never touches numbers that are not due.
/// </summary>
/// <remarks>
/// Entries form schedule chains. Whoever (re)starts a number's schedule (a registration, a pull-forward) writes an entry with no
/// <see cref="Chain"/> and points the facts row's <c>DuePartition</c> at that entry's partition, which is the chain's id. The
/// planner copies the chain id onto each next entry and never writes the facts row, so an entry is current exactly when its
/// chain id is the one on the facts row; entries of an older chain are dropped when met.
/// </remarks>
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

public static class DueIndex
{
    /// <summary>Number of planner shards; one PlanShard message per shard per tick.</summary>
    public const int Shards = 16;

    public static int ShardOf(string number) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(number)) % Shards);

    public static string Bucket(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string PartitionFor(string number, DateTimeOffset dueAt) => $"{ShardOf(number):D2}|{Bucket(dueAt)}";

    public static string PartitionFor(int shard, DateTimeOffset dueAt) => $"{shard:D2}|{Bucket(dueAt)}";

    /// <summary>The partition of a number's row in <c>ScanPositions</c>: its shard, so one planner page writes one partition.</summary>
    public static string PositionPartition(string number) => ShardOf(number).ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The due minute of an index partition (comparable as text, being fixed-width), or null when it is not one.</summary>
    public static string? BucketOf(string partition) =>
        partition.Length == 15 && partition[2] == '|' && partition.AsSpan(3).IndexOfAnyExceptInRange('0', '9') < 0 ? partition[3..] : null;

    /// <summary>The filter for one shard's entries due in [from, to] (minute resolution).</summary>
    public static string RangeFilter(int shard, DateTimeOffset from, DateTimeOffset to) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {PartitionFor(shard, from)} and PartitionKey le {PartitionFor(shard, to)}");

    /// <summary>
    /// The index partition of a number's current entry, given the chain id on its facts row: the position the planner last wrote
    /// for that chain, else the chain's first entry (the planner has not moved it yet). Null when the chain id is not a partition.
    /// </summary>
    public static async Task<string?> CurrentPartitionAsync(StorageAccount storage, string number, string chain, CancellationToken cancellationToken)
    {
        if (BucketOf(chain) is null)
        {
            return null;
        }

        var position = await storage.Table(TableNames.ScanPositions).GetEntityIfExistsAsync<DuePositionEntity>(PositionPartition(number), number, cancellationToken: cancellationToken);
        return position.HasValue && position.Value!.Chain == chain ? position.Value.DuePartition : chain;
    }
}
