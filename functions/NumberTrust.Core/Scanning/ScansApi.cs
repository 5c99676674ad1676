using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Scanning;

public sealed record ScanPlatformProgress(string Platform, int Queued, int Done, int Unknown, int Failed);

public sealed record ScanJobView(string Number, string Platform, ScanJobStatus Status, string? Detail);

public sealed record ScanRunView(
    string ScanId,
    string? Number,
    DateTimeOffset CreatedAt,
    bool Finished,
    int TotalJobs,
    IReadOnlyList<ScanPlatformProgress> Platforms,
    IReadOnlyList<ScanJobView> Problems,
    string? Failure = null);

public sealed record HistoryEntryView(
    string Platform,
    DateTimeOffset ObservedAt,
    string FromState,
    string? FromCategory,
    string ToState,
    string? ToCategory,
    string? LabelText,
    int? ReportCount,
    string? SourceApp,
    string? EvidenceUrl,
    int? EvidenceStatus,
    string? EvidenceExcerpt);

public sealed record HistoryView(string Number, IReadOnlyList<HistoryEntryView> Items);

/// <summary>On-demand scans (<c>POST /api/numbers/{number}/scans</c>, <c>POST /api/scans</c>, <c>GET /api/scans/{id}</c>) and label history.</summary>
public sealed partial class ScansApi(
    ApiKeyAuthenticator auth, NumberStore numbers, StorageAccount storage, ScanPlanner planner, TimeProvider time, ILogger<ScansApi> logger)
{
    public const int MaxHistory = 1000;

    /// <summary>Lookup jobs a tenant-wide expansion enqueues at once.</summary>
    private const int ExpandConcurrency = 16;

    public async Task<Results<Accepted<ScanRunView>, ProblemHttpResult>> ScanNumberAsync(
        HttpRequest request, string number, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var (canonical, badNumber) = NumbersApi.ParseRouteNumber(request, number, tenant!);
        if (badNumber is not null)
        {
            return badNumber;
        }

        var registration = await numbers.FindAsync(tenant!.TenantId, canonical!.E164, cancellationToken);
        if (registration is null)
        {
            return Problems.NotFound($"{canonical.E164} is not registered.");
        }

        var now = time.GetUtcNow();
        var run = new ScanRunEntity { PartitionKey = NewRunId(), TenantId = tenant.TenantId, Number = canonical.E164, CreatedAt = now, Expanded = true };
        var platforms = PlatformsOf(canonical, registration);
        run.TotalJobs = platforms.Count;
        var runs = storage.Table(TableNames.ScanRuns);
        var rows = new List<TableTransactionAction> { new(TableTransactionActionType.Add, run) };
        rows.AddRange(platforms.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, QueuedRow(run.PartitionKey, p, canonical.E164))));
        await runs.SubmitTransactionAsync(rows, cancellationToken);
        foreach (var platform in platforms)
        {
            await EnqueueAsync(run, canonical, platform, cancellationToken);
        }

        return TypedResults.Accepted(ApiRoutes.PathOf("scans/" + run.PartitionKey), await ViewAsync(run, cancellationToken));
    }

    public async Task<Results<Accepted<ScanRunView>, ProblemHttpResult>> ScanTenantAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var run = await StartTenantScanAsync(tenant!.TenantId, cancellationToken);
        return TypedResults.Accepted(ApiRoutes.PathOf("scans/" + run), await ViewAsync(
            new ScanRunEntity { PartitionKey = run, TenantId = tenant.TenantId, CreatedAt = time.GetUtcNow() }, cancellationToken));
    }

    /// <summary>Starts a scan of all of a tenant's numbers; the run expands in the background. Returns the run id.</summary>
    public async Task<string> StartTenantScanAsync(string tenantId, CancellationToken cancellationToken)
    {
        var run = new ScanRunEntity { PartitionKey = NewRunId(), TenantId = tenantId, CreatedAt = time.GetUtcNow() };
        await storage.Table(TableNames.ScanRuns).AddEntityAsync(run, cancellationToken);
        await storage.Queue(QueueNames.ScanRuns).SendMessageAsync(
            ScanMessageJson.Serialize(new ExpandScanRunMessage(ExpandScanRunMessage.CurrentVersion, run.PartitionKey, tenantId)),
            cancellationToken: cancellationToken);
        return run.PartitionKey;
    }

    public async Task<Results<Ok<ScanRunView>, ProblemHttpResult>> GetScanAsync(HttpRequest request, string scanId, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        if (!IsRunId(scanId))
        {
            return Problems.NotFound($"Scan '{Shorten(scanId)}' does not exist.");
        }

        var found = await storage.Table(TableNames.ScanRuns).GetEntityIfExistsAsync<ScanRunEntity>(scanId, ScanRunEntity.HeaderRow, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.TenantId != tenant!.TenantId)
        {
            return Problems.NotFound($"Scan '{scanId}' does not exist.");
        }

        return TypedResults.Ok(await ViewAsync(found.Value, cancellationToken));
    }

    /// <summary>
    /// Expands one page of a tenant-wide run and hands the next page to a new message. The run header's cursor decides which message
    /// may expand: a message whose page is not the cursor's is stale (a redelivery or a duplicate) and only revives the chain, so
    /// after any crash exactly one chain goes on; pages expanded twice enqueue the same job ids, which the worker recognises.
    /// </summary>
    public async Task ExpandAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var expand = ScanMessageJson.Deserialize<ExpandScanRunMessage>(message.Body, ExpandScanRunMessage.CurrentVersion, m => m.Version);
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

        var (page, last) = await numbers.ListAsync(expand.TenantId, run.Cursor, null, null, 100, cancellationToken);
        var jobs = new List<(CanonicalNumber Number, string Platform)>();
        foreach (var registration in page)
        {
            var type = Enum.TryParse<NumberType>(registration.NumberType, out var t) ? t : NumberType.Unknown;
            var canonical = NumberParser.FromStored(registration.RowKey, registration.Region, type);
            jobs.AddRange(PlatformsOf(canonical, registration).Select(p => (canonical, p)));
        }

        // Rows first, then jobs, so a job's outcome always lands on an existing row. A page expanded again (its message redelivered
        // after a crash) adds only the rows that are missing: an outcome already recorded is never turned back into Queued.
        foreach (var chunk in jobs.Chunk(100))
        {
            await AddMissingRowsAsync(runs, chunk.Select(j => QueuedRow(run.PartitionKey, j.Platform, j.Number.E164)).ToList(), cancellationToken);
        }

        // Concurrently: a page is up to 100 numbers x every platform, and the shorter a page takes, the less a crash repeats.
        await Parallel.ForEachAsync(
            jobs,
            new ParallelOptions { MaxDegreeOfParallelism = ExpandConcurrency, CancellationToken = cancellationToken },
            async (job, ct) => await EnqueueAsync(run, job.Number, job.Platform, ct));

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
            await SendPageAsync(expand with { After = last }, cancellationToken);
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
        if (ScanMessageJson.TryDeserialize<ExpandScanRunMessage>(message.Body, ExpandScanRunMessage.CurrentVersion, m => m.Version, out var error) is not { } expand)
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

        var after = expand.After is null ? "from the first number" : $"after {expand.After}";
        var failure = $"Expanding the run's numbers ({after}) failed on every attempt the queue allows (maxDequeueCount) and was given up; numbers not yet expanded were not scanned.";
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
        storage.Queue(QueueNames.ScanRuns).SendMessageAsync(ScanMessageJson.Serialize(message), cancellationToken: cancellationToken);

    public async Task<Results<Ok<HistoryView>, ProblemHttpResult>> HistoryAsync(HttpRequest request, string number, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var (canonical, badNumber) = NumbersApi.ParseRouteNumber(request, number, tenant!);
        if (badNumber is not null)
        {
            return badNumber;
        }

        var query = request.Query;
        string? platform = null;
        if (query["platform"] is { Count: > 0 } p)
        {
            platform = p.ToString().Trim().ToLowerInvariant();
            if (platform.Length is 0 or > 40 || !platform.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-'))
            {
                return Problems.Invalid("platform", "A platform id is lower-case letters, digits and '-'.");
            }
        }

        if (!TryTime(query["from"], out var from) || !TryTime(query["to"], out var to))
        {
            return Problems.Invalid("from", "from and to are ISO 8601 date-times, e.g. 2026-11-01T00:00:00Z.");
        }

        var limit = 100;
        if (query["limit"] is { Count: > 0 } l && (!int.TryParse(l.ToString(), out limit) || limit is < 1 or > MaxHistory))
        {
            return Problems.Invalid("limit", $"limit must be a whole number from 1 to {MaxHistory}.");
        }

        if (await numbers.FindAsync(tenant!.TenantId, canonical!.E164, cancellationToken) is null)
        {
            return Problems.NotFound($"{canonical.E164} is not registered.");
        }

        var prefix = LabelHistoryEntity.RowPrefix + (platform is null ? "" : platform + "|");
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {canonical.E164} and RowKey gt {prefix} and RowKey lt {prefix + "~"}");
        if (from is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ObservedAt ge {from.Value}");
        }

        if (to is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ObservedAt le {to.Value}");
        }

        var items = new List<HistoryEntryView>();
        await foreach (var h in storage.Table(TableNames.Numbers).QueryAsync<LabelHistoryEntity>(filter, cancellationToken: cancellationToken))
        {
            items.Add(new HistoryEntryView(h.Platform, h.ObservedAt, h.FromState, h.FromCategory, h.ToState, h.ToCategory, h.LabelText,
                h.ReportCount, h.SourceApp, h.EvidenceUrl, h.EvidenceStatus, h.EvidenceExcerpt));
        }

        return TypedResults.Ok(new HistoryView(canonical.E164, items.OrderByDescending(i => i.ObservedAt).Take(limit).ToList()));
    }

    private IReadOnlyList<string> PlatformsOf(CanonicalNumber number, RegistrationEntity registration) =>
        planner.PlatformsToScan(number, [Watcher.Of(registration) with { Cadence = nameof(MonitoringCadence.Auto) }]);

    private async Task EnqueueAsync(ScanRunEntity run, CanonicalNumber number, string platform, CancellationToken cancellationToken)
    {
        var job = new LookupJobMessage(
            LookupJobMessage.CurrentVersion, LookupJobMessage.IdFor(number.E164, platform, run.CreatedAt, run.PartitionKey), number.E164,
            number.Region, number.Type.ToString(), platform, run.CreatedAt, run.PartitionKey, Reschedules: 0);
        await storage.Queue(QueueNames.Lookups).SendMessageAsync(ScanMessageJson.Serialize(job), cancellationToken: cancellationToken);
    }

    private static TableEntity QueuedRow(string runId, string platform, string number) => new(runId, ScanRunStore.JobRow(platform, number))
    {
        ["Platform"] = platform,
        ["Number"] = number,
        ["Status"] = nameof(ScanJobStatus.Queued),
    };

    private async Task<ScanRunView> ViewAsync(ScanRunEntity run, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var problems = new List<ScanJobView>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {run.PartitionKey} and RowKey gt {"job|"} and RowKey lt {"job}"}");
        await foreach (var row in storage.Table(TableNames.ScanRuns).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var platform = row.GetString("Platform") ?? "";
            var status = Enum.TryParse<ScanJobStatus>(row.GetString("Status"), out var s) ? s : ScanJobStatus.Queued;
            if (!counts.TryGetValue(platform, out var c))
            {
                counts[platform] = c = new int[4];
            }

            c[(int)status]++;
            if (status is ScanJobStatus.Unknown or ScanJobStatus.Failed && problems.Count < 100)
            {
                problems.Add(new ScanJobView(row.GetString("Number") ?? "", platform, status, row.GetString("Detail")));
            }
        }

        var platforms = counts.Select(kv => new ScanPlatformProgress(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3])).ToList();
        var queued = platforms.Sum(p => p.Queued);
        var total = Math.Max(run.TotalJobs, platforms.Sum(p => p.Queued + p.Done + p.Unknown + p.Failed));
        // A run whose expansion was given up has ended, whatever it left queued (those numbers' jobs were never sent).
        var finished = run.Failure is not null || (run.Expanded && queued == 0);
        return new ScanRunView(run.PartitionKey, run.Number, run.CreatedAt, finished, total, platforms, problems, run.Failure);
    }

    private static string NewRunId() => "scan-" + Guid.NewGuid().ToString("N");

    private static bool IsRunId(string id) => id.Length == 37 && id.StartsWith("scan-", StringComparison.Ordinal) && id[5..].All(char.IsAsciiHexDigitLower);

    private static bool TryTime(Microsoft.Extensions.Primitives.StringValues value, out DateTimeOffset? instant)
    {
        instant = null;
        if (value.Count == 0)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            instant = parsed;
            return true;
        }

        return false;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Scan run {RunId} of tenant {TenantId} expanded into {Jobs} jobs")]
        public static partial void Expanded(ILogger logger, string runId, string tenantId, int jobs);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "Scan run {RunId} of tenant {TenantId}: {Failure}")]
        public static partial void ExpansionPoisoned(ILogger logger, string runId, string tenantId, string failure);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "Poison message {MessageId} is not a scan-run page: {Reason}")]
        public static partial void UnreadablePoison(ILogger logger, string messageId, string reason);
    }
}
