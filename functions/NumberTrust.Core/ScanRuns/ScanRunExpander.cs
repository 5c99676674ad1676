using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.ScanRuns;

/// <summary>The queue side of tenant-wide scan runs: expanding one page of registrations per message, and the poison handler.</summary>
public sealed partial class ScanRunExpander(
    StorageAccount storage, NumberStore numbers, PlatformSelection platforms, ScanRunService service, ILogger<ScanRunExpander> logger)
{
    /// <summary>Registrations expanded per message.</summary>
    public const int PageSize = 100;

    /// <summary>
    /// How often a poisoned page is sent again before the run gives up: a host killed while it expands the same page five times
    /// is not a page that cannot be expanded.
    /// </summary>
    public const int MaxRevivals = 3;

    public static readonly TimeSpan RevivalDelay = TimeSpan.FromSeconds(30);

    /// <summary>Lookup jobs a tenant-wide expansion enqueues at once.</summary>
    private const int ExpandConcurrency = 16;

    /// <summary>
    /// Expands one page of a tenant-wide run and hands the next page to a new message. The run header's cursor decides which message
    /// may expand: a message whose page is not the cursor's is stale (a redelivery or a duplicate) and only revives the chain, so
    /// after any crash exactly one chain goes on; pages expanded twice enqueue the same job ids, which the worker recognises.
    /// </summary>
    public async Task ExpandAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var expand = QueueMessageJson.Deserialize<ExpandScanRunMessage>(message.Body, ExpandScanRunMessage.CurrentVersion);
        var runs = storage.Table(TableNames.ScanRuns);
        var found = await runs.GetEntityIfExistsAsync<ScanRunEntity>(expand.RunId, ScanRunEntity.HeaderRow, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.Expanded || found.Value.Failure is not null)
        {
            return; // finished, or given up (a late duplicate of a poisoned page)
        }

        var run = found.Value;
        if (!string.Equals(run.Cursor, expand.After, StringComparison.Ordinal))
        {
            // Stale: the chain moved on, or died between moving the cursor and sending the next page. Re-send the cursor's page;
            // if its message exists too, the two race for the cursor and the loser stops.
            await SendPageAsync(expand with { After = run.Cursor }, cancellationToken);
            return;
        }

        var (page, last) = await numbers.ListAsync(expand.TenantId, run.Cursor, PageSize, cancellationToken);
        var jobs = new List<(CanonicalNumber Number, string Platform)>();
        foreach (var registration in page)
        {
            var canonical = registration.Number();
            jobs.AddRange(platforms.ToScan(canonical, registration).Select(p => (canonical, p)));
        }

        // Rows first, then jobs, so a job's outcome always lands on an existing row. A page expanded again (its message redelivered
        // after a crash) adds only the rows that are missing: an outcome already recorded is never turned back into Queued.
        foreach (var chunk in jobs.Chunk(100))
        {
            await AddMissingRowsAsync(runs, chunk.Select(j => ScanRunStore.QueuedRow(run.PartitionKey, j.Platform, j.Number.E164)).ToList(), cancellationToken);
        }

        // Concurrently: a page is up to 100 numbers x every platform, and the shorter a page takes, the less a crash repeats.
        await Parallel.ForEachAsync(
            jobs,
            new ParallelOptions { MaxDegreeOfParallelism = ExpandConcurrency, CancellationToken = cancellationToken },
            async (job, ct) => await service.EnqueueAsync(run, job.Number, job.Platform, ct, run.MaxAge));

        run.TotalJobs += jobs.Count;
        run.Cursor = last;
        run.Expanded = last is null;
        try
        {
            await runs.UpdateEntityAsync(run, run.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.IsPreconditionFailed())
        {
            return; // a duplicate of this page won the cursor; it sends the next page
        }

        if (last is not null)
        {
            await SendPageAsync(expand with { After = last, Revivals = 0 }, cancellationToken);
        }
        else
        {
            Log.Expanded(logger, run.PartitionKey, expand.TenantId, run.TotalJobs);
        }
    }

    /// <summary>
    /// A tenant-wide run whose expansion message failed <c>maxDequeueCount</c> times: the run records why and ends, so its caller
    /// sees the failure instead of a run that never finishes. Jobs already enqueued still record their outcomes.
    /// </summary>
    public async Task HandlePoisonAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        if (QueueMessageJson.TryDeserialize<ExpandScanRunMessage>(message.Body, ExpandScanRunMessage.CurrentVersion, out var error) is not { } expand)
        {
            Log.UnreadablePoison(logger, message.Id, error!);
            return;
        }

        var runs = storage.Table(TableNames.ScanRuns);
        var found = await runs.GetEntityIfExistsAsync<ScanRunEntity>(expand.RunId, ScanRunEntity.HeaderRow, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.Expanded || found.Value.Failure is not null)
        {
            return; // finished by another message of the chain, or already recorded
        }

        if (expand.Revivals < MaxRevivals)
        {
            await storage.Queue(QueueNames.ScanRuns).SendMessageAsync(
                QueueMessageJson.Serialize(expand with { Revivals = expand.Revivals + 1 }), RevivalDelay, cancellationToken: cancellationToken);
            Log.PageRevived(logger, expand.RunId, expand.After ?? "(start)", expand.Revivals + 1);
            return;
        }

        var after = expand.After is null ? "from the first number" : $"after {expand.After}";
        var failure = $"Expanding the run's numbers ({after}) failed on every attempt ({MaxRevivals + 1} times maxDequeueCount) and was given up; numbers not yet expanded were not scanned.";
        try
        {
            await runs.UpdateEntityAsync(
                new TableEntity(expand.RunId, ScanRunEntity.HeaderRow) { [nameof(ScanRunEntity.Failure)] = failure }, found.Value.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return; // the chain moved on meanwhile (another message expanded a page): it is not stuck
        }

        Log.ExpansionPoisoned(logger, expand.RunId, expand.TenantId, failure);
    }

    /// <summary>
    /// Adds the rows in one transaction; if some exist already (a page expanded again), adds them one by one, several at once, so a
    /// redelivered page takes about as long as the first delivery (a slow redelivery is what a crash keeps hitting).
    /// </summary>
    private static async Task AddMissingRowsAsync(TableClient runs, IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        try
        {
            await runs.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            await Parallel.ForEachAsync(
                rows,
                new ParallelOptions { MaxDegreeOfParallelism = ExpandConcurrency, CancellationToken = cancellationToken },
                async (row, ct) =>
                {
                    try
                    {
                        await runs.AddEntityAsync(row, ct);
                    }
                    catch (Azure.RequestFailedException conflict) when (conflict.Status == 409)
                    {
                        // Recorded by an earlier expansion of this page, or already by the job's outcome.
                    }
                });
        }
    }

    private Task SendPageAsync(ExpandScanRunMessage message, CancellationToken cancellationToken) =>
        storage.Queue(QueueNames.ScanRuns).SendMessageAsync(QueueMessageJson.Serialize(message), cancellationToken: cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Scan run {RunId} of tenant {TenantId} expanded into {Jobs} jobs")]
        public static partial void Expanded(ILogger logger, string runId, string tenantId, int jobs);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "Scan run {RunId} of tenant {TenantId}: {Failure}")]
        public static partial void ExpansionPoisoned(ILogger logger, string runId, string tenantId, string failure);

        [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Scan run {RunId}: the page after {After} was poisoned; sent again (revival {Revival})")]
        public static partial void PageRevived(ILogger logger, string runId, string after, int revival);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "Poison message {MessageId} is not a scan-run page: {Reason}")]
        public static partial void UnreadablePoison(ILogger logger, string messageId, string reason);
    }
}
