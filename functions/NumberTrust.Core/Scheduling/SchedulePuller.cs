using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Scheduling;

/// <summary>
/// Saves a tenant's peak windows and pulls its numbers forward afterwards: numbers already scheduled past the start of a new
/// window (a week out, say) are moved earlier in the background, one page of registrations per
/// <see cref="PullSchedulesForwardMessage"/>, so a save stays one write however many numbers the tenant has.
/// </summary>
public sealed partial class SchedulePuller(
    StorageAccount storage, TenantStore tenants, NumberStore numbers, ScheduleChains chains, PeakWindowCache cache,
    IOptions<SchedulingOptions> options, TimeProvider time, ILogger<SchedulePuller> logger)
{
    public const int PageSize = 100;
    private const int PullConcurrency = 8;

    /// <summary>A plan already in flight when its instance's cache expired still finishes with the old windows; give it time to.</summary>
    private static readonly TimeSpan InFlightPlanMargin = TimeSpan.FromSeconds(5);

    /// <summary>Saves the windows (false when the tenant does not exist) and queues the pull-forward they call for.</summary>
    public async Task<bool> SaveAsync(string tenantId, IReadOnlyList<PeakWindow> windows, CancellationToken cancellationToken)
    {
        var revision = Guid.NewGuid().ToString("N");

        // Queued before the save: if the save then fails, the message finds another revision and stops; the other order could lose
        // the pull-forward of a saved list. It waits until every instance's planner sees the new windows.
        if (CadencePolicy.PeakDue(windows, time.GetUtcNow()) is not null)
        {
            await storage.Queue(QueueNames.SchedulePulls).SendMessageAsync(
                QueueMessageJson.Serialize(new PullSchedulesForwardMessage(PullSchedulesForwardMessage.CurrentVersion, tenantId, revision)),
                visibilityTimeout: options.Value.PeakWindowCacheDuration + InFlightPlanMargin,
                cancellationToken: cancellationToken);
        }

        // Only these two properties: an admin update of the tenant's name at the same time must not undo them, nor they it.
        var saved = await tenants.MergeSettingsAsync(
            tenantId,
            new Dictionary<string, object?>
            {
                [nameof(TenantEntity.PeakWindows)] = PeakWindows.Serialize(windows),
                [nameof(TenantEntity.PeakWindowsRevision)] = revision,
            },
            cancellationToken);
        if (saved)
        {
            cache.Forget(tenantId);
            Log.Saved(logger, tenantId, windows.Count, revision);
        }

        return saved;
    }

    /// <summary>
    /// Pulls one page of a tenant's <c>auto</c> numbers forward to the earliest start of its upcoming windows (or to now while one is
    /// on), then hands the next page to a new message. Moving a number earlier is idempotent, so a redelivered page does no harm.
    /// </summary>
    public async Task PullForwardAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var pull = QueueMessageJson.Deserialize<PullSchedulesForwardMessage>(message.Body, PullSchedulesForwardMessage.CurrentVersion);
        var tenant = await tenants.FindAsync(pull.TenantId, cancellationToken);
        if (tenant is null || !string.Equals(tenant.PeakWindowsRevision, pull.Revision, StringComparison.Ordinal))
        {
            Log.Superseded(logger, pull.TenantId, pull.Revision);
            return;
        }

        if (CadencePolicy.PeakDue(PeakWindows.Of(tenant), time.GetUtcNow()) is not { } target)
        {
            return; // every window ended meanwhile
        }

        var (page, last) = await numbers.ListAsync(pull.TenantId, pull.After, PageSize, cancellationToken);
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
                QueueMessageJson.Serialize(pull with { After = last }), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Moves a number's schedule to <paramref name="target"/> when it is due later and this tenant still watches it on auto.</summary>
    private async Task<bool> PullNumberAsync(string number, string tenantId, DateTimeOffset target, CancellationToken cancellationToken)
    {
        var targetBucket = DueIndex.Bucket(target);
        for (var attempt = 0; ; attempt++)
        {
            var facts = await numbers.FactsAsync(number, cancellationToken);
            var chain = facts?.DuePartition;
            var current = chain is null ? null : await chains.CurrentPartitionAsync(number, chain, cancellationToken);
            if (facts is null || current is null || DueIndex.BucketOf(current) is not { } dueBucket ||
                string.CompareOrdinal(dueBucket, targetBucket) <= 0 ||
                !facts.WatcherList().Any(w => w.TenantId == tenantId && w.Cadence == nameof(MonitoringCadence.Auto)))
            {
                return false; // unscheduled, already due by then, or no longer watched on auto by this tenant
            }

            if (await chains.TryRestartAsync(facts, current, target, cancellationToken))
            {
                return true;
            }

            if (attempt >= 5)
            {
                return false; // the facts keep changing; the planner meets the number soon anyway
            }
        }
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
