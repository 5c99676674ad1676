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
        var schedule = storage.Table(TableNames.ScanSchedule);
        var numbers = storage.Table(TableNames.Numbers);
        var pages = schedule.QueryAsync<DueEntryEntity>(DueIndex.RangeFilter(plan.Shard, plan.From, plan.To), maxPerPage: 1000, cancellationToken: cancellationToken).AsPages();
        var planned = 0;
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            // Per page: plan every number (facts read, jobs enqueued), then write the next entries in entity-group transactions,
            // point each number's facts at its next entry, and delete the page's old entries in transactions. The order keeps the
            // invariant the one-by-one version had: a crash at any point leaves at worst stale entries, which are dropped when met.
            var outcomes = new ConcurrentBag<(DueEntryEntity Entry, DueEntryEntity? Next)>();
            await Parallel.ForEachAsync(
                page.Values,
                new ParallelOptions { MaxDegreeOfParallelism = PlanConcurrency, CancellationToken = cancellationToken },
                async (entry, ct) => outcomes.Add((entry, await PlanNumberAsync(entry, plan.Shard, counters, ct))));

            var moves = outcomes.Where(o => o.Next is not null).Select(o => o.Next!).ToList();
            await SubmitInBatchesAsync(schedule, moves, TableTransactionActionType.UpsertReplace, cancellationToken);
            await Parallel.ForEachAsync(
                moves,
                new ParallelOptions { MaxDegreeOfParallelism = PlanConcurrency, CancellationToken = cancellationToken },
                async (next, ct) => await numbers.UpdateEntityAsync(
                    new TableEntity(next.RowKey, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = next.PartitionKey }, ETag.All, TableUpdateMode.Merge, ct));
            var old = outcomes.Where(o => o.Next?.PartitionKey != o.Entry.PartitionKey).Select(o => o.Entry).ToList();
            await SubmitInBatchesAsync(schedule, old, TableTransactionActionType.Delete, cancellationToken);
            planned += page.Values.Count;
        }

        Log.ShardPlanned(logger, plan.Shard, planned, counters.Values.Sum());
    }

    /// <summary>Enqueues a due number's lookup jobs and returns its next due entry (not yet written), or null if it is not scanned again.</summary>
    private async Task<DueEntryEntity?> PlanNumberAsync(DueEntryEntity entry, int shard, ConcurrentDictionary<string, int> counters, CancellationToken cancellationToken)
    {
        var number = entry.RowKey;
        var numbers = storage.Table(TableNames.Numbers);
        var found = await numbers.GetEntityIfExistsAsync<TableEntity>(number, NumberFactsEntity.Row, cancellationToken: cancellationToken);
        var row = found.HasValue ? found.Value : null;
        var facts = row is null ? null : NumberFactsEntity.From(row);
        if (facts is null || facts.DuePartition != entry.PartitionKey)
        {
            // A stale entry: the number moved to another due time, was never confirmed, or no longer exists.
            return null;
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
            return null;
        }

        var type = Enum.TryParse<NumberType>(facts.NumberType, out var t) ? t : NumberType.Unknown;
        var canonical = NumberParser.FromStored(number, facts.Region, type);
        var lookups = storage.Queue(QueueNames.Lookups);
        await Task.WhenAll(PlatformsToScan(canonical, watchers).Select(platform =>
        {
            var index = counters.AddOrUpdate(platform, 0, static (_, i) => i + 1);
            var expected = row!.GetString(LabelFingerprint.PropertyFor(platform));
            var job = new LookupJobMessage(
                LookupJobMessage.CurrentVersion, LookupJobMessage.IdFor(number, platform, entry.DueAt, null), number, facts.Region,
                facts.NumberType, platform, entry.DueAt, RunId: null, Reschedules: 0, Expected: string.IsNullOrEmpty(expected) ? null : expected);
            return lookups.SendMessageAsync(ScanMessageJson.Serialize(job), SpreadDelay(platform, index, shard), cancellationToken: cancellationToken);
        }));

        return new DueEntryEntity
        {
            PartitionKey = DueIndex.PartitionFor(number, dueAt.Value),
            RowKey = number,
            DueAt = dueAt.Value,
            Region = facts.Region,
            NumberType = facts.NumberType,
        };
    }

    /// <summary>
    /// Writes or deletes due entries in entity-group transactions (one partition, at most 100 rows each). A delete batch that fails
    /// because a row is already gone (a duplicate delivery of the same plan got there first) is redone row by row.
    /// </summary>
    private static async Task SubmitInBatchesAsync(TableClient schedule, IEnumerable<DueEntryEntity> entries, TableTransactionActionType type, CancellationToken cancellationToken)
    {
        var batches = entries
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.DistinctBy(e => e.RowKey, StringComparer.Ordinal).Chunk(100));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, ct) =>
        {
            try
            {
                await schedule.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(type, e, ETag.All)), ct);
            }
            catch (TableTransactionFailedException e) when (type == TableTransactionActionType.Delete && e.IsNotFound())
            {
                foreach (var entry in batch)
                {
                    await DeleteEntryAsync(schedule, entry, ct);
                }
            }
        });
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
