using NumberTrust.Numbers;

namespace NumberTrust.Scheduling;

/// <summary>
/// When a number is scanned next: it follows its most demanding active watcher (rules in docs/architecture.md, "Scan cadence").
/// Pure: the caller passes each tenant's peak windows in.
/// </summary>
public static class CadencePolicy
{
    public static readonly TimeSpan Daily = TimeSpan.FromDays(1);
    public static readonly TimeSpan Weekly = TimeSpan.FromDays(7);
    public static readonly TimeSpan NewNumberWindow = TimeSpan.FromDays(30);

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<PeakWindow>> NoWindows = new Dictionary<string, IReadOnlyList<PeakWindow>>();

    /// <summary>The interval without peak windows (no tenant has any).</summary>
    public static TimeSpan? Interval(IEnumerable<Watcher> watchers, bool appealOpen, DateTimeOffset now) =>
        Interval(watchers, appealOpen, now, NoWindows);

    /// <param name="windows">Peak windows per tenant id; a tenant that is absent has none.</param>
    public static TimeSpan? Interval(
        IEnumerable<Watcher> watchers, bool appealOpen, DateTimeOffset now, IReadOnlyDictionary<string, IReadOnlyList<PeakWindow>> windows)
    {
        TimeSpan? shortest = null;
        foreach (var watcher in watchers)
        {
            TimeSpan? interval = CadenceOf(watcher) switch
            {
                MonitoringCadence.Paused => null,
                MonitoringCadence.Daily => Daily,
                MonitoringCadence.Weekly => Weekly,
                _ => appealOpen || now - watcher.RegisteredAt < NewNumberWindow || WindowsOf(watcher, windows).Any(w => w.Contains(now))
                    ? Daily
                    : Weekly,
            };
            if (interval is { } i && (shortest is null || i < shortest))
            {
                shortest = i;
            }
        }

        return shortest;
    }

    /// <summary>
    /// The next due time after a scan at <paramref name="now"/>: <c>now + interval</c>, or the earliest start of an upcoming peak
    /// window (start after now) of an <c>auto</c> watcher's tenant when that comes first. Null when nobody actively watches.
    /// </summary>
    public static DateTimeOffset? NextDue(
        IEnumerable<Watcher> watchers, bool appealOpen, DateTimeOffset now, IReadOnlyDictionary<string, IReadOnlyList<PeakWindow>> windows) =>
        NextDue(watchers, appealOpen, now, windows, scheduledAt: null);

    /// <summary>
    /// One interval after <paramref name="scheduledAt"/> (so planning delays never drift the schedule and planning twice agrees), or
    /// after <paramref name="now"/> when that is past; an upcoming peak window's start comes first.
    /// </summary>
    public static DateTimeOffset? NextDue(
        IEnumerable<Watcher> watchers, bool appealOpen, DateTimeOffset now, IReadOnlyDictionary<string, IReadOnlyList<PeakWindow>> windows,
        DateTimeOffset? scheduledAt)
    {
        var list = watchers as IReadOnlyCollection<Watcher> ?? watchers.ToList();
        if (Interval(list, appealOpen, now, windows) is not { } interval)
        {
            return null;
        }

        var next = scheduledAt is { } due && due + interval > now ? due + interval : now + interval;
        foreach (var watcher in list.Where(w => CadenceOf(w) == MonitoringCadence.Auto))
        {
            foreach (var window in WindowsOf(watcher, windows))
            {
                if (window.Start > now && window.Start < next)
                {
                    next = window.Start;
                }
            }
        }

        return next;
    }

    /// <summary>
    /// The latest a tenant's <c>auto</c> numbers may be due so that none misses a peak: now while a window is on, else the earliest
    /// upcoming start; null when no window is on or ahead. Numbers due later are pulled forward to it after the tenant saves windows.
    /// </summary>
    public static DateTimeOffset? PeakDue(IEnumerable<PeakWindow> windows, DateTimeOffset now)
    {
        DateTimeOffset? earliest = null;
        foreach (var window in windows)
        {
            if (window.Contains(now))
            {
                return now;
            }

            if (window.Start > now && (earliest is null || window.Start < earliest))
            {
                earliest = window.Start;
            }
        }

        return earliest;
    }

    /// <summary>The tenants whose peak windows can change a number's schedule: those watching it on <c>auto</c>.</summary>
    public static IEnumerable<string> TenantsWithPeaks(IEnumerable<Watcher> watchers) =>
        watchers.Where(w => CadenceOf(w) == MonitoringCadence.Auto).Select(w => w.TenantId).Distinct(StringComparer.Ordinal);

    private static MonitoringCadence CadenceOf(Watcher watcher) =>
        Enum.TryParse<MonitoringCadence>(watcher.Cadence, out var c) && Enum.IsDefined(c) ? c : MonitoringCadence.Auto;

    private static IReadOnlyList<PeakWindow> WindowsOf(Watcher watcher, IReadOnlyDictionary<string, IReadOnlyList<PeakWindow>> windows) =>
        windows.TryGetValue(watcher.TenantId, out var w) ? w : [];
}
