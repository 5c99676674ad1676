using Azure.Data.Tables;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.ScanRuns;

/// <summary>Starts on-demand scan runs, enqueues their lookup jobs, and reports a run's progress.</summary>
public sealed class ScanRunService(StorageAccount storage, PlatformSelection platforms, TimeProvider time)
{
    private TableClient Runs => storage.Table(TableNames.ScanRuns);

    /// <summary>A run of one number: its job rows and jobs are written at once.</summary>
    /// <param name="maxAge">How old a shared observation may be for this run (shorter than the freshness window); null for the window.</param>
    public async Task<ScanRunEntity> StartNumberScanAsync(
        string tenantId, CanonicalNumber number, RegistrationEntity registration, CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        var run = new ScanRunEntity { PartitionKey = NewRunId(), TenantId = tenantId, Number = number.E164, CreatedAt = time.GetUtcNow(), Expanded = true };
        var scanned = platforms.ToScan(number, registration);
        run.TotalJobs = scanned.Count;
        var rows = new List<TableTransactionAction> { new(TableTransactionActionType.Add, run) };
        rows.AddRange(scanned.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ScanRunStore.QueuedRow(run.PartitionKey, p, number.E164))));
        await Runs.SubmitTransactionAsync(rows, cancellationToken);
        foreach (var platform in scanned)
        {
            await EnqueueAsync(run, number, platform, cancellationToken, maxAge);
        }

        return run;
    }

    /// <summary>A run of all of a tenant's numbers; it expands in the background, a page per message (<see cref="ScanRunExpander"/>).</summary>
    /// <param name="maxAge">As for <see cref="StartNumberScanAsync"/>, for every job of the run.</param>
    public async Task<ScanRunEntity> StartTenantScanAsync(string tenantId, CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        var run = new ScanRunEntity { PartitionKey = NewRunId(), TenantId = tenantId, CreatedAt = time.GetUtcNow(), MaxAgeSeconds = (int?)maxAge?.TotalSeconds };
        await Runs.AddEntityAsync(run, cancellationToken);
        await storage.Queue(QueueNames.ScanRuns).SendMessageAsync(
            QueueMessageJson.Serialize(new ExpandScanRunMessage(ExpandScanRunMessage.CurrentVersion, run.PartitionKey, tenantId)),
            cancellationToken: cancellationToken);
        return run;
    }

    public async Task<ScanRunEntity?> FindAsync(string runId, CancellationToken cancellationToken)
    {
        if (!IsRunId(runId))
        {
            return null;
        }

        var found = await Runs.GetEntityIfExistsAsync<ScanRunEntity>(runId, ScanRunEntity.HeaderRow, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Enqueues one lookup job of a run; its id is derived from the run, so an expansion done twice enqueues the same job.</summary>
    public async Task EnqueueAsync(ScanRunEntity run, CanonicalNumber number, string platform, CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        var job = new LookupJobMessage(
            LookupJobMessage.CurrentVersion, LookupJobMessage.IdFor(number.E164, platform, run.CreatedAt, run.PartitionKey), number.E164,
            number.Region, number.Type.ToString(), platform, run.CreatedAt, run.PartitionKey, Reschedules: 0, MaxAge: maxAge);
        await storage.Queue(QueueNames.Lookups).SendMessageAsync(QueueMessageJson.Serialize(job), cancellationToken: cancellationToken);
    }

    /// <summary>A run's progress per platform: one partition query over its job rows.</summary>
    public async Task<ScanRunView> ViewAsync(ScanRunEntity run, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var problems = new List<ScanJobView>();
        var jobs = run.Number is null ? null : new List<ScanJobView>();
        await foreach (var row in Runs.QueryAsync<TableEntity>(TableKeys.WithPrefix(run.PartitionKey, ScanRunEntity.JobRowPrefix), cancellationToken: cancellationToken))
        {
            var platform = row.GetString("Platform") ?? "";
            var status = Enum.TryParse<ScanJobStatus>(row.GetString("Status"), out var s) ? s : ScanJobStatus.Queued;
            if (!counts.TryGetValue(platform, out var c))
            {
                counts[platform] = c = new int[4];
            }

            c[(int)status]++;
            var view = new ScanJobView(row.GetString("Number") ?? "", platform, status, row.GetString("Detail"), row.GetBoolean("Shared") ?? false, row.GetDateTimeOffset("ObservedAt"));
            if (status is ScanJobStatus.Unknown or ScanJobStatus.Failed && problems.Count < 100)
            {
                problems.Add(view);
            }

            // A one-number run lists every job (one per platform), so the caller sees which were shared and when they were read.
            jobs?.Add(view);
        }

        var progress = counts.Select(kv => new ScanPlatformProgress(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3])).ToList();
        var queued = progress.Sum(p => p.Queued);
        var total = Math.Max(run.TotalJobs, progress.Sum(p => p.Queued + p.Done + p.Unknown + p.Failed));
        // A run whose expansion was given up has ended, whatever it left queued (those numbers' jobs were never sent).
        var finished = run.Failure is not null || (run.Expanded && queued == 0);
        return new ScanRunView(run.PartitionKey, run.Number, run.CreatedAt, finished, total, progress, problems, run.Failure, jobs);
    }

    private static string NewRunId() => "scan-" + Guid.NewGuid().ToString("N");

    private static bool IsRunId(string id) => id.Length == 37 && id.StartsWith("scan-", StringComparison.Ordinal) && id[5..].All(char.IsAsciiHexDigitLower);
}
