using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Scheduling;

/// <summary>
/// Fan-out: the timer tick enqueues shard plans covering the minutes since the last tick; each plan reads its shard's due entries,
/// enqueues one lookup job per number and platform (spread by visibility delays to keep each platform's rate) and moves the entry
/// to the number's next due time (docs/architecture.md, "Queues" and "Scan cadence").
/// </summary>
public sealed partial class ScanPlanner(
    StorageAccount storage, ILabelSource source, PlatformSelection platforms, ScheduleChains chains, ShardPlanLease leases,
    PeakWindowCache peakWindows, TimeProvider time, IOptions<SchedulingOptions> options, ILogger<ScanPlanner> logger)
{
    /// <summary>The planner's storage requests in flight on this instance (<see cref="SchedulingOptions.PlannerConcurrency"/>), over all shards.</summary>
    private readonly SemaphoreSlim _requests = new(options.Value.PlannerConcurrency);

    private const string WatermarkPartition = "planner";
    private const string WatermarkRow = "watermark";
    public const int PlanConcurrency = 16;
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(6);

    /// <summary>A shard lease outlives its plan's budget by this much, so a slow last page does not lose it.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan MinBusyWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxBusyWait = TimeSpan.FromSeconds(10);

    public async Task TickAsync(TimerTick tick, CancellationToken cancellationToken)
    {
        var status = storage.Table(TableNames.ScheduleStatus);
        var watermark = await status.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, WatermarkRow, cancellationToken: cancellationToken);
        var from = watermark.HasValue ? watermark.Value!.GetDateTimeOffset("PlannedUntil") ?? DateTimeOffset.UnixEpoch : DateTimeOffset.UnixEpoch;
        var to = time.GetUtcNow();
        var queue = storage.Queue(QueueNames.ScanPlans);
        var chains = options.Value.PlannerShardsInFlight;
        for (var shard = 0; shard < chains; shard++)
        {
            await queue.SendMessageAsync(
                QueueMessageJson.Serialize(new PlanShardMessage(PlanShardMessage.CurrentVersion, shard, from, to, to, Next: NextOf(shard, chains))),
                cancellationToken: cancellationToken);
        }

        await status.UpsertEntityAsync(new TableEntity(WatermarkPartition, WatermarkRow) { ["PlannedUntil"] = to }, TableUpdateMode.Replace, cancellationToken);
        Log.Ticked(logger, from, to, chains, tick.IsPastDue);
    }

    /// <summary>The shard after <paramref name="shard"/> in its chain when <paramref name="stride"/> chains share the shards, or null at the end.</summary>
    private static int? NextOf(int shard, int stride) => stride > 0 && shard + stride < DueIndex.Shards ? shard + stride : null;

    /// <summary>
    /// Enqueues the next shard of <paramref name="plan"/>'s chain, if it has one. A redelivered plan enqueues it again; the
    /// duplicate is cheap (the first copy to run moves the shard's entries out of the range, so the other finds nothing left).
    /// </summary>
    private async Task ContinueChainAsync(PlanShardMessage plan, CancellationToken cancellationToken)
    {
        if (plan.Next is not { } next || next <= plan.Shard || next >= DueIndex.Shards)
        {
            return;
        }

        var following = new PlanShardMessage(PlanShardMessage.CurrentVersion, next, plan.From, plan.To, plan.PlannedAt, Next: NextOf(next, next - plan.Shard));
        await storage.Queue(QueueNames.ScanPlans).SendMessageAsync(QueueMessageJson.Serialize(following), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Plans one shard for at most <see cref="SchedulingOptions.PlanBudget"/>, holding the shard's lease: a page at a time, the next
    /// page read while this one is planned and this page's writes overlapped with the next one's planning. Out of budget, it hands the
    /// rest of the range and the lease to a continuation message; a plan that finds the shard busy waits by sending itself again.
    /// </summary>
    public async Task PlanShardAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var plan = QueueMessageJson.Deserialize<PlanShardMessage>(message.Body, PlanShardMessage.CurrentVersion);
        var o = options.Value;
        var leaseTime = o.PlanBudget + LeaseMargin;
        var (lease, busyUntil) = await leases.TryAcquireAsync(plan.Shard, message.Id, leaseTime, cancellationToken);
        if (lease is null)
        {
            var wait = busyUntil - time.GetUtcNow();
            wait = wait < MinBusyWait ? MinBusyWait : wait > MaxBusyWait ? MaxBusyWait : wait;
            await storage.Queue(QueueNames.ScanPlans).SendMessageAsync(QueueMessageJson.Serialize(plan), wait, cancellationToken: cancellationToken);
            Log.ShardBusy(logger, plan.Shard, wait);
            return;
        }

        var startedAt = plan.StartedAt ?? time.GetUtcNow();
        var counters = new ConcurrentDictionary<string, int>(plan.JobIndexes ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var budgetEnds = time.GetUtcNow() + o.PlanBudget;
        var schedule = storage.Table(TableNames.ScanSchedule);
        var pages = schedule.QueryAsync<DueEntryEntity>(DueIndex.RangeFilter(plan.Shard, plan.From, plan.To), maxPerPage: o.PlanPageSize, cancellationToken: cancellationToken).AsPages();
        var planned = 0;
        var outOfBudget = false;
        var pager = pages.GetAsyncEnumerator(cancellationToken);
        var fetch = pager.MoveNextAsync().AsTask();
        var writes = Task.CompletedTask;
        try
        {
            while (await fetch)
            {
                if (planned > 0 && time.GetUtcNow() >= budgetEnds)
                {
                    outOfBudget = true;
                    break;
                }

                var page = pager.Current;
                fetch = pager.MoveNextAsync().AsTask();
                var outcomes = new ConcurrentBag<(DueEntryEntity Entry, DueEntryEntity? Next)>();
                await Parallel.ForEachAsync(
                    page.Values,
                    new ParallelOptions { MaxDegreeOfParallelism = PlanConcurrency, CancellationToken = cancellationToken },
                    async (entry, ct) => outcomes.Add((entry, await PlanNumberAsync(entry, plan, startedAt, counters, ct))));
                await writes;
                writes = WritePageAsync(schedule, outcomes, cancellationToken);
                planned += page.Values.Count;
                if (lease.Until - time.GetUtcNow() < leaseTime / 2)
                {
                    lease = await leases.TryRenewAsync(lease, leaseTime, cancellationToken)
                        ?? throw new InvalidOperationException($"Planner shard {plan.Shard} lost its lease; the plan is retried.");
                }
            }

            await writes;
        }
        finally
        {
            // On failure, let the read and the writes in flight end before the query is disposed (the failure is what surfaces).
            await ((Task)fetch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await writes.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await pager.DisposeAsync();
        }

        var jobs = counters.Values.Sum(next => next) - (plan.JobIndexes?.Values.Sum() ?? 0);
        if (outOfBudget)
        {
            // Planned entries have left the range, so the continuation plans what is left; it gets the lease before anyone else.
            var continuation = plan with { Segment = plan.Segment + 1, StartedAt = startedAt, JobIndexes = new Dictionary<string, int>(counters) };
            var sent = await storage.Queue(QueueNames.ScanPlans).SendMessageAsync(QueueMessageJson.Serialize(continuation), cancellationToken: cancellationToken);
            await leases.TryHandOverAsync(lease, sent.Value.MessageId, leaseTime, cancellationToken);
            Log.ShardContinued(logger, plan.Shard, plan.Segment, planned, jobs);
            return;
        }

        await leases.ReleaseAsync(lease, cancellationToken);
        await ContinueChainAsync(plan, cancellationToken);
        Log.ShardPlanned(logger, plan.Shard, planned, jobs, plan.Segment + 1);
    }

    /// <summary>
    /// A shard plan that failed on every delivery the queue allows (storage unreachable for longer than the retries, a shard too big
    /// for the function timeout) would leave its unplanned due entries behind the watermark: no later tick covers them, so those
    /// numbers would never be scanned again. The plan is sent again instead, after <see cref="SchedulingOptions.PoisonedPlanRetryDelay"/>
    /// (doubled per earlier poisoning, at most a day). Entries it already moved lie outside its range, so the retry plans only what is
    /// left; the shard's status row (<c>planner</c> / <c>poisoned-{shard}</c>) keeps the range, the count and the time, and each
    /// poisoning is logged as an error. An unreadable message is only logged: there is nothing in it to plan.
    /// </summary>
    public async Task HandlePoisonAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        if (QueueMessageJson.TryDeserialize<PlanShardMessage>(message.Body, PlanShardMessage.CurrentVersion, out var error) is not { } plan)
        {
            Log.UnreadablePoison(logger, message.Id, error!);
            return;
        }

        // The rest of the chain does not wait for this shard's retry.
        await ContinueChainAsync(plan, cancellationToken);
        var retry = plan with { Retries = plan.Retries + 1, Next = null };
        var delay = TimeSpan.FromTicks((long)Math.Min(
            options.Value.PoisonedPlanRetryDelay.Ticks * Math.Pow(2, Math.Clamp(plan.Retries, 0, 20)), TimeSpan.FromDays(1).Ticks));
        var now = time.GetUtcNow();
        await storage.Table(TableNames.ScheduleStatus).UpsertEntityAsync(
            new TableEntity(WatermarkPartition, $"poisoned-{plan.Shard:D2}")
            {
                ["From"] = plan.From,
                ["To"] = plan.To,
                ["Retries"] = retry.Retries,
                ["PoisonedAt"] = now,
                ["RetryAt"] = now + delay,
            },
            TableUpdateMode.Replace,
            cancellationToken);
        await storage.Queue(QueueNames.ScanPlans).SendMessageAsync(QueueMessageJson.Serialize(retry), delay, cancellationToken: cancellationToken);
        Log.PlanPoisoned(logger, plan.Shard, plan.From, plan.To, retry.Retries, delay);
    }

    /// <summary>Enqueues a due number's lookup jobs and returns its next due entry (not yet written), or null if it is not scanned again.</summary>
    private async Task<DueEntryEntity?> PlanNumberAsync(
        DueEntryEntity entry, PlanShardMessage plan, DateTimeOffset startedAt, ConcurrentDictionary<string, int> counters, CancellationToken cancellationToken)
    {
        var number = entry.RowKey;
        var numbers = storage.Table(TableNames.Numbers);
        for (var attempt = 0; ; attempt++)
        {
            var found = await LimitedAsync(ct => numbers.GetEntityIfExistsAsync<TableEntity>(number, NumberFactsEntity.Row, cancellationToken: ct), cancellationToken);
            var row = found.HasValue ? found.Value : null;
            var facts = row is null ? null : NumberFactsEntity.From(row);
            if (!ScheduleChains.IsCurrent(entry, facts))
            {
                // A stale entry: the number's schedule was restarted (another chain), it was never confirmed, or it no longer exists.
                return null;
            }

            var watchers = facts!.WatcherList();
            var windows = new Dictionary<string, IReadOnlyList<PeakWindow>>(StringComparer.Ordinal);
            foreach (var tenantId in CadencePolicy.TenantsWithPeaks(watchers))
            {
                windows[tenantId] = await peakWindows.GetAsync(tenantId, cancellationToken);
            }

            // The plan's time, not the clock: a redelivered plan computes the same next entries as the first delivery did.
            var dueAt = CadencePolicy.NextDue(watchers, facts.AppealOpen, plan.PlannedAt, windows, entry.DueAt);
            if (dueAt is null)
            {
                // Nobody actively watches it: end the chain, unless a registration changed the facts since they were read.
                if (await chains.TryEndAsync(entry, row!.ETag, cancellationToken) || attempt >= 5)
                {
                    return null;
                }

                continue;
            }

            var canonical = NumberParser.FromStored(number, facts.Region, facts.NumberType);
            var lookups = storage.Queue(QueueNames.Lookups);
            await Task.WhenAll(platforms.ToScan(canonical, watchers).Select(platform =>
            {
                var index = counters.AddOrUpdate(platform, 1, static (_, next) => next + 1) - 1;
                var expected = row!.GetString(LabelFingerprint.PropertyFor(platform));
                var delay = SpreadDelay(platform, index, plan.Shard, startedAt);
                var job = new LookupJobMessage(
                    LookupJobMessage.CurrentVersion, LookupJobMessage.IdFor(number, platform, entry.DueAt, null), number, facts.Region,
                    facts.NumberType, platform, entry.DueAt, RunId: null, Reschedules: 0, Expected: string.IsNullOrEmpty(expected) || facts.AppealOpen ? null : expected,
                    NotBefore: delay is { } d ? time.GetUtcNow() + d : null);
                return LimitedAsync(ct => lookups.SendMessageAsync(QueueMessageJson.Serialize(job), delay, cancellationToken: ct), cancellationToken);
            }));

            return ScheduleChains.NextEntry(entry, dueAt.Value);
        }
    }

    /// <summary>A planned page's writes: the next entries, then the chains' positions, then the deletes of the old entries.</summary>
    private async Task WritePageAsync(TableClient schedule, IReadOnlyCollection<(DueEntryEntity Entry, DueEntryEntity? Next)> outcomes, CancellationToken cancellationToken)
    {
        var moves = outcomes.Where(o => o.Next is not null).Select(o => o.Next!).ToList();
        await SubmitInBatchesAsync(schedule, moves, TableTransactionActionType.UpsertReplace, cancellationToken);
        await SubmitInBatchesAsync(storage.Table(TableNames.ScanPositions), moves.Select(DuePositionEntity.Of), TableTransactionActionType.UpsertReplace, cancellationToken);
        var old = outcomes.Where(o => o.Next?.PartitionKey != o.Entry.PartitionKey).Select(o => o.Entry).ToList();
        await SubmitInBatchesAsync(schedule, old, TableTransactionActionType.Delete, cancellationToken);
    }

    private async Task<T> LimitedAsync<T>(Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        await _requests.WaitAsync(cancellationToken);
        try
        {
            return await request(cancellationToken);
        }
        finally
        {
            _requests.Release();
        }
    }

    /// <summary>
    /// Writes or deletes rows in entity-group transactions (one partition, at most 100 rows each). Deletes are conditional on the
    /// ETag the page was read with, so an entry that was rewritten meanwhile (another chain's entry landing on the same minute)
    /// survives. A delete batch that fails because a row is gone or changed (a duplicate delivery of the same plan got there
    /// first) is redone row by row, each such row left as it is.
    /// </summary>
    private static async Task SubmitInBatchesAsync<T>(TableClient table, IEnumerable<T> entities, TableTransactionActionType type, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        var batches = entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.DistinctBy(e => e.RowKey, StringComparer.Ordinal).Chunk(100));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, ct) =>
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(type, e, type == TableTransactionActionType.Delete ? Expected(e) : ETag.All)), ct);
            }
            catch (TableTransactionFailedException e) when (type == TableTransactionActionType.Delete && (e.IsNotFound() || e.IsPreconditionFailed()))
            {
                foreach (var entity in batch)
                {
                    await ScheduleChains.DeleteIfPresentAsync(table, entity, Expected(entity), ct);
                }
            }
        });
    }

    /// <summary>
    /// Job <c>i</c> of a platform in shard <c>s</c> becomes visible <c>(i × shards + s) / requestsPerSecond</c> after the plan started
    /// (its first segment), so no shard releases more than a sixteenth of the platform's rate and the sixteen together not more than all of it.
    /// </summary>
    private TimeSpan? SpreadDelay(string platform, int index, int shard, DateTimeOffset startedAt)
    {
        var rps = source.RequestsPerSecond(platform);
        if (rps <= 0 || double.IsInfinity(rps))
        {
            return null;
        }

        var delay = startedAt + TimeSpan.FromSeconds(((double)index * DueIndex.Shards + shard) / rps) - time.GetUtcNow();
        return delay <= TimeSpan.Zero ? null : delay < MaxVisibilityDelay ? delay : MaxVisibilityDelay;
    }

    private static ETag Expected(ITableEntity entity) => entity.ETag == default ? ETag.All : entity.ETag;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Planner tick: due times {From:o} to {To:o}, {Chains} chains of shards enqueued (past due {IsPastDue})")]
        public static partial void Ticked(ILogger logger, DateTimeOffset from, DateTimeOffset to, int chains, bool isPastDue);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Planner shard {Shard}: {Numbers} numbers planned, {Jobs} lookup jobs enqueued (invocation {Segments} of the plan)")]
        public static partial void ShardPlanned(ILogger logger, int shard, int numbers, int jobs, int segments);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Planner shard {Shard}, invocation {Segment}: budget spent after {Numbers} numbers and {Jobs} jobs; the rest goes to a continuation")]
        public static partial void ShardContinued(ILogger logger, int shard, int segment, int numbers, int jobs);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Planner shard {Shard} is being planned by another message; trying again in {Wait}")]
        public static partial void ShardBusy(ILogger logger, int shard, TimeSpan wait);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Planner shard {Shard} (due {From:o} to {To:o}) failed on every delivery; planning it again in {Delay} (poisoned {Retries} times)")]
        public static partial void PlanPoisoned(ILogger logger, int shard, DateTimeOffset from, DateTimeOffset to, int retries, TimeSpan delay);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Poisoned plan message {MessageId} cannot be read and was dropped: {Reason}")]
        public static partial void UnreadablePoison(ILogger logger, string messageId, string reason);
    }
}
