using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NumberTrust.Tenants;

namespace NumberTrust.Scheduling;

/// <summary>
/// Tenants' peak windows for the planner: one read per tenant per <see cref="SchedulingOptions.PeakWindowCacheDuration"/>, shared
/// by concurrent misses; failures are not cached (hence the pull-forward after a save waits one cache duration).
/// </summary>
public sealed class PeakWindowCache(TenantStore tenants, TimeProvider time, IOptions<SchedulingOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<PeakWindow>> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(tenantId, out var current) && current.IsFreshAt(now))
            {
                return await current.Windows.Value.WaitAsync(cancellationToken);
            }

            // The read is shared by every caller waiting for this tenant, so it must not die with one caller's token.
            var fresh = new Entry(new Lazy<Task<IReadOnlyList<PeakWindow>>>(() => LoadAsync(tenantId)), now + options.Value.PeakWindowCacheDuration);
            var won = current is null ? _entries.TryAdd(tenantId, fresh) : _entries.TryUpdate(tenantId, fresh, current);
            if (won)
            {
                return await fresh.Windows.Value.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Drops a tenant's windows from this instance's cache (after this instance saved new ones).</summary>
    public void Forget(string tenantId) => _entries.TryRemove(tenantId, out _);

    private async Task<IReadOnlyList<PeakWindow>> LoadAsync(string tenantId) =>
        PeakWindows.Of(await tenants.FindAsync(tenantId, CancellationToken.None));

    private sealed record Entry(Lazy<Task<IReadOnlyList<PeakWindow>>> Windows, DateTimeOffset ExpiresAt)
    {
        public bool IsFreshAt(DateTimeOffset now) =>
            now < ExpiresAt && !(Windows.IsValueCreated && (Windows.Value.IsFaulted || Windows.Value.IsCanceled));
    }
}
