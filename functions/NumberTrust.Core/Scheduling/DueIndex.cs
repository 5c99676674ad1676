using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Azure.Data.Tables;

namespace NumberTrust.Scheduling;

/// <summary>
/// Keys of the due-time index (<c>ScanSchedule</c>): partition <c>{shard:D2}|{yyyyMMddHHmm}</c>, row key E.164, so a planner
/// shard reads one contiguous partition range per tick and never touches numbers that are not due.
/// </summary>
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
}
