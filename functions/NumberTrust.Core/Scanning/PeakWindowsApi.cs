using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Scanning;

/// <summary>
/// A tenant's peak windows (<c>GET/PUT /api/peak-windows</c>) and the pull-forward that follows a save: numbers already scheduled
/// past the start of a new window (a week out, say) are moved earlier in the background, one page of registrations per
/// <see cref="PullSchedulesForwardMessage"/>, so a save stays one write however many numbers the tenant has.
/// </summary>
public sealed partial class PeakWindowsApi(
    ApiKeyAuthenticator auth, StorageAccount storage, NumberStore numbers, PeakWindowCache cache, IOptions<ScanOptions> options,
    TimeProvider time, ILogger<PeakWindowsApi> logger)
{
    public const int PageSize = 100;
    private const int PullConcurrency = 8;

    /// <summary>A plan already in flight when its instance's cache expired still finishes with the old windows; give it time to.</summary>
    private static readonly TimeSpan InFlightPlanMargin = TimeSpan.FromSeconds(5);

    public async Task<Results<Ok<PeakWindowsView>, ProblemHttpResult>> GetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        // Read through to storage, not the planner's cache: a client reads back what it saved, whichever instance answers.
        var entity = await FindTenantAsync(tenant!.TenantId, cancellationToken);
        return entity is null
            ? Problems.NotFound($"Tenant '{tenant.TenantId}' does not exist.")
            : TypedResults.Ok(new PeakWindowsView(PeakWindows.Of(entity)));
    }

    public async Task<Results<Ok<PeakWindowsView>, ProblemHttpResult>> PutAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (tenant, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var (body, badBody) = await HttpBody.ReadJsonAsync<PeakWindowsRequest>(request, null, cancellationToken);
        if (badBody is not null)
        {
            return badBody;
        }

        var now = time.GetUtcNow();
        var (windows, errors) = PeakWindows.From(body!, now);
        if (windows is null)
        {
            return Problems.Invalid(errors);
        }

        var tenantId = tenant!.TenantId;
        var revision = Guid.NewGuid().ToString("N");

        // The pull-forward is queued before the save: if the save then fails, the message finds another revision and stops; the
        // other order could lose the pull-forward of a saved list. It waits until every instance's planner sees the new windows,
        // so no plan made with the old ones can land after it.
        if (CadencePolicy.PeakDue(windows, now) is not null)
        {
            await storage.Queue(QueueNames.SchedulePulls).SendMessageAsync(
                ScanMessageJson.Serialize(new PullSchedulesForwardMessage(PullSchedulesForwardMessage.CurrentVersion, tenantId, revision)),
                visibilityTimeout: options.Value.PeakWindowCacheDuration + InFlightPlanMargin,
                cancellationToken: cancellationToken);
        }

        var update = new TableEntity(TenantEntity.Partition, tenantId)
        {
            [nameof(TenantEntity.PeakWindows)] = PeakWindows.Serialize(windows),
            [nameof(TenantEntity.PeakWindowsRevision)] = revision,
        };
        try
        {
            // Merge only these two properties: an admin update of the tenant's name at the same time must not undo them, nor they it.
            await storage.Table(TableNames.Tenants).UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return Problems.NotFound($"Tenant '{tenantId}' does not exist.");
        }

        cache.Forget(tenantId);
        Log.Saved(logger, tenantId, windows.Count, revision);
        return TypedResults.Ok(new PeakWindowsView(windows));
    }

    /// <summary>
    /// Pulls one page of a tenant's <c>auto</c> numbers forward to the earliest start of its upcoming windows (or to now while one is
    /// on), then hands the next page to a new message. Moving a number earlier is idempotent, so a redelivered page does no harm.
    /// </summary>
    public async Task PullForwardAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var pull = ScanMessageJson.Deserialize<PullSchedulesForwardMessage>(message.Body, PullSchedulesForwardMessage.CurrentVersion, m => m.Version);
        var tenant = await FindTenantAsync(pull.TenantId, cancellationToken);
        if (tenant is null || !string.Equals(tenant.PeakWindowsRevision, pull.Revision, StringComparison.Ordinal))
        {
            Log.Superseded(logger, pull.TenantId, pull.Revision);
            return;
        }

        var now = time.GetUtcNow();
        if (CadencePolicy.PeakDue(PeakWindows.Of(tenant), now) is not { } target)
        {
            return; // every window ended meanwhile
        }

        var (page, last) = await numbers.ListAsync(pull.TenantId, pull.After, null, null, PageSize, cancellationToken);
        var moved = 0;
        await Parallel.ForEachAsync(
            page.Where(r => r.Cadence == nameof(MonitoringCadence.Auto)),
            new ParallelOptions { MaxDegreeOfParallelism = PullConcurrency, CancellationToken = cancellationToken },
            async (registration, ct) =>
            {
                if (await PullNumberAsync(registration.RowKey, pull.TenantId, target, ct))
                {
                    Interlocked.Increment(ref moved);
                }
            });

        Log.PagePulled(logger, pull.TenantId, page.Count, moved, target);
        if (last is not null)
        {
            await storage.Queue(QueueNames.SchedulePulls).SendMessageAsync(
                ScanMessageJson.Serialize(pull with { After = last }), cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Moves a number's schedule to <paramref name="target"/> when it is due later, by starting a new schedule chain there: the new
    /// entry first, then the facts pointed at it (only if nobody changed them meanwhile), then the old chain's current entry
    /// deleted. A crash or a lost race leaves at worst an entry of an older chain, which the planner drops when it meets it.
    /// </summary>
    private async Task<bool> PullNumberAsync(string number, string tenantId, DateTimeOffset target, CancellationToken cancellationToken)
    {
        var schedule = storage.Table(TableNames.ScanSchedule);
        var targetBucket = DueIndex.Bucket(target);
        for (var attempt = 0; ; attempt++)
        {
            var facts = await numbers.FactsAsync(number, cancellationToken);
            var chain = facts?.DuePartition;
            var current = chain is null ? null : await DueIndex.CurrentPartitionAsync(storage, number, chain, cancellationToken);
            if (facts is null || current is null || DueIndex.BucketOf(current) is not { } dueBucket ||
                string.CompareOrdinal(dueBucket, targetBucket) <= 0 ||
                !facts.WatcherList().Any(w => w.TenantId == tenantId && w.Cadence == nameof(MonitoringCadence.Auto)))
            {
                return false; // unscheduled, already due by then, or no longer watched on auto by this tenant
            }

            var next = new DueEntryEntity
            {
                PartitionKey = DueIndex.PartitionFor(number, target),
                RowKey = number,
                DueAt = target,
                Region = facts.Region,
                NumberType = facts.NumberType,
            };
            await schedule.UpsertEntityAsync(next, TableUpdateMode.Replace, cancellationToken);
            try
            {
                await storage.Table(TableNames.Numbers).UpdateEntityAsync(
                    new TableEntity(number, NumberFactsEntity.Row) { [nameof(NumberFactsEntity.DuePartition)] = next.PartitionKey },
                    facts.ETag, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() && attempt < 5)
            {
                continue; // a registration or a lookup changed the facts: decide again on what they say now
            }

            try
            {
                await schedule.DeleteEntityAsync(current, number, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
                // The planner already moved or dropped it.
            }

            return true;
        }
    }

    private async Task<TenantEntity?> FindTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var found = await storage.Table(TableNames.Tenants).GetEntityIfExistsAsync<TenantEntity>(TenantEntity.Partition, tenantId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Tenant {TenantId} saved {Windows} peak windows (revision {Revision})")]
        public static partial void Saved(ILogger logger, string tenantId, int windows, string revision);

        [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Pull-forward for tenant {TenantId}: {Registrations} registrations read, {Moved} numbers moved to {Target:o}")]
        public static partial void PagePulled(ILogger logger, string tenantId, int registrations, int moved, DateTimeOffset target);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Pull-forward for tenant {TenantId} revision {Revision} stopped: the windows were saved again since")]
        public static partial void Superseded(ILogger logger, string tenantId, string revision);
    }
}
