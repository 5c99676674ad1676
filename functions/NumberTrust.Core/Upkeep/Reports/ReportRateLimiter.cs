using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace NumberTrust.Upkeep.Reports;

/// <summary>Fixed-window counters per report link and per client address, kept in memory (per instance, like the auth throttle).</summary>
public sealed class ReportRateLimiter(IMemoryCache cache, IOptionsMonitor<ReportOptions> options, TimeProvider time)
{
    /// <summary>Counts one request against <paramref name="key"/>; the wait until the window ends when the limit is passed, else null.</summary>
    public TimeSpan? Take(string key, int limit)
    {
        var now = time.GetUtcNow();
        var window = cache.GetOrCreate("report-rate:" + key, e =>
        {
            var until = now + options.CurrentValue.Window;
            e.AbsoluteExpiration = until;
            return new Window(until);
        })!;
        var count = Interlocked.Increment(ref window.Count);
        return count > limit ? (window.Until > now ? window.Until - now : TimeSpan.FromSeconds(1)) : null;
    }

    private sealed class Window(DateTimeOffset until)
    {
        public int Count;

        public DateTimeOffset Until { get; } = until;
    }
}
