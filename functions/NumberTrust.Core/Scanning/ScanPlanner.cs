using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Scanning;

/// <summary>
/// Fan-out. The timer tick enqueues one <see cref="PlanShardMessage"/> per shard covering the minutes since the last tick (O(shards),
/// whatever the registry size or how long the host was down). Each shard message reads only its due entries, enqueues one lookup
/// job per number and platform, and moves the entry to the number's next due time. Platform rate limits are kept by scheduling,
/// not locks: job <c>i</c> of a platform in shard <c>s</c> becomes visible at <c>(i × shards + s) / requestsPerSecond</c>, so the
/// shards together release that platform's jobs on an even grid at its configured rate.
/// </summary>
public sealed partial class ScanPlanner(
    StorageAccount storage, ILabelSource source, PeakWindowCache peakWindows, TimeProvider time, ILogger<ScanPlanner> logger)
{
    private const string WatermarkPartition = "planner";
    private const string WatermarkRow = "watermark";
    public const int PlanConcurrency = 8;
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(6);

    public async Task TickAsync(TimerTick tick, CancellationToken cancellationToken)
    {
        var status = storage.Table(TableNames.ScheduleStatus);
        var watermark = await status.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, WatermarkRow, cancellationToken: cancellationToken);
        var from = watermark.HasValue ? watermark.Value!.GetDateTimeOffset("PlannedUntil") ?? DateTimeOffset.UnixEpoch : DateTimeOffset.UnixEpoch;
        var to = time.GetUtcNow();
        var queue = storage.Queue(QueueNames.ScanPlans);
        for (var shard = 0; shard < DueIndex.Shards; shard++)
        {
            await queue.SendMessageAsync(
                ScanMessageJson.Serialize(new PlanShardMessage(PlanShardMessage.CurrentVersion, shard, from, to, to)),
                cancellationToken: cancellationToken);
        }

        await status.UpsertEntityAsync(new TableEntity(WatermarkPartition, WatermarkRow) { ["PlannedUntil"] = to }, TableUpdateMode.Replace, cancellationToken);
        Log.Ticked(logger, from, to, DueIndex.Shards, tick.IsPastDue);
    }

    public async Task PlanShardAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var plan = ScanMessageJson.Deserialize<PlanShardMessage>(message.Body, PlanShardMessage.CurrentVersion, m => m.Version);
        var counters = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var entries = storage.Table(TableNames.ScanSchedule)
            .QueryAsync<DueEntryEntity>(DueIndex.RangeFilter(plan.Shard, plan.From, plan.To), maxPerPage: 1000, cancellationToken: cancellationToken);
        var planned = 0;
        await Parallel.ForEachAsync(
            entries,
            new ParallelOptions { MaxDegreeOfParallelism = PlanConcurrency, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                await PlanNumberAsync(entry, plan.Shard, counters, ct);
                Interlocked.Increment(ref planned);
            });
        Log.ShardPlanned(logger, plan.Shard, planned, counters.Values.Sum());
    }

    private async Task PlanNumberAsync(DueEntryEntity entry, int shard, ConcurrentDictionary<string, int> counters, CancellationToken cancellationToken)
    {
        var number = entry.RowKey;
        var numbers = storage.Table(TableNames.Numbers);
        var schedule = storage.Table(TableNames.ScanSchedule);
        var found = await numbers.GetEntityIfExistsAsync<NumberFactsEntity>(number, NumberFactsEntity.Row, cancellationToken: cancellationToken);
        var facts = found.HasValue ? found.Value : null;
        if (facts is null || facts.DuePartition != entry.PartitionKey)
        {
            // A stale entry: the number moved to another due time, was never confirmed, or no longer exists.
            await DeleteEntryAsync(schedule, entry, cancellationToken);
            return;
        }

        var watchers = facts.WatcherList();
        var windows = new Dictionary<string, IReadOnlyList<PeakWindow>>(StringComparer.Ordinal);
        foreach (var tenantId in CadencePolicy.TenantsWithPeaks(watchers))
        {
            windows[tenantId] = await peakWindows.GetAsync(tenantId, cancellationToken);
        }

        var now = time.GetUtcNow();
        var dueAt = CadencePolicy.NextDue(watchers, facts.AppealOpen, now, windows);
        if (dueAt is null)
        {
            await numbers.UpdateEntityAsync(new TableEntity(number, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = null }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            await DeleteEntryAsync(schedule, entry, cancellationToken);
            return;
        }

        var type = Enum.TryParse<NumberType>(facts.NumberType, out var t) ? t : NumberType.Unknown;
        var canonical = NumberParser.FromStored(number, facts.Region, type);
        var lookups = storage.Queue(QueueNames.Lookups);
        foreach (var platform in PlatformsToScan(canonical, watchers))
        {
            var index = counters.AddOrUpdate(platform, 0, static (_, i) => i + 1);
            var job = new LookupJobMessage(
                LookupJobMessage.CurrentVersion, LookupJobMessage.IdFor(number, platform, entry.DueAt, null), number, facts.Region,
                facts.NumberType, platform, entry.DueAt, RunId: null, Reschedules: 0);
            await lookups.SendMessageAsync(ScanMessageJson.Serialize(job), SpreadDelay(platform, index, shard), cancellationToken: cancellationToken);
        }

        // Next entry first, then point the facts at it, then drop the old one: a crash leaves at worst a stale entry (dropped above).
        var next = new DueEntryEntity
        {
            PartitionKey = DueIndex.PartitionFor(number, dueAt.Value),
            RowKey = number,
            DueAt = dueAt.Value,
            Region = facts.Region,
            NumberType = facts.NumberType,
        };
        await schedule.UpsertEntityAsync(next, TableUpdateMode.Replace, cancellationToken);
        await numbers.UpdateEntityAsync(new TableEntity(number, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = next.PartitionKey }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        if (next.PartitionKey != entry.PartitionKey)
        {
            await DeleteEntryAsync(schedule, entry, cancellationToken);
        }
    }

    /// <summary>The platforms to scan: every platform an active watcher names; a watcher that names none watches every enabled platform for the number's market.</summary>
    public IReadOnlyList<string> PlatformsToScan(CanonicalNumber number, IEnumerable<Watcher> watchers)
    {
        var platforms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var watcher in watchers.Where(w => w.IsActive))
        {
            platforms.UnionWith(watcher.Platforms.Count == 0 ? source.PlatformsFor(number) : watcher.Platforms.Where(source.IsEnabled));
        }

        return platforms.ToList();
    }

    /// <summary>Every platform that may hold state for a number: the ones its watchers name plus every enabled one for its market.</summary>
    public IReadOnlyList<string> PlatformsToShow(CanonicalNumber number, IEnumerable<string> named) =>
        source.PlatformsFor(number).Union(named, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private TimeSpan? SpreadDelay(string platform, int index, int shard)
    {
        var rps = source.RequestsPerSecond(platform);
        if (rps <= 0 || double.IsInfinity(rps))
        {
            return null;
        }

        var delay = TimeSpan.FromSeconds(((double)index * DueIndex.Shards + shard) / rps);
        return delay <= TimeSpan.Zero ? null : delay < MaxVisibilityDelay ? delay : MaxVisibilityDelay;
    }

    private static async Task DeleteEntryAsync(TableClient schedule, DueEntryEntity entry, CancellationToken cancellationToken)
    {
        try
        {
            await schedule.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // Already moved by a duplicate delivery of the same plan.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Planner tick: shards enqueued for due times {From:o} to {To:o} ({Shards} shards, past due {IsPastDue})")]
        public static partial void Ticked(ILogger logger, DateTimeOffset from, DateTimeOffset to, int shards, bool isPastDue);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Planner shard {Shard}: {Numbers} numbers planned, {Jobs} lookup jobs enqueued")]
        public static partial void ShardPlanned(ILogger logger, int shard, int numbers, int jobs);
    }
}
