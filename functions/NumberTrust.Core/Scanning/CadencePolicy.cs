using NumberTrust.Numbers;

namespace NumberTrust.Scanning;

/// <summary>
/// When a number is scanned next. Per watching tenant: an explicit cadence wins; <c>auto</c> means daily for the first 30 days
/// after registration and while an appeal is open, weekly otherwise. The number follows its most demanding watcher; paused
/// watchers do not count, and a number nobody actively watches is not scheduled.
/// </summary>
public static class CadencePolicy
{
    public static readonly TimeSpan Daily = TimeSpan.FromDays(1);
    public static readonly TimeSpan Weekly = TimeSpan.FromDays(7);
    public static readonly TimeSpan NewNumberWindow = TimeSpan.FromDays(30);

    public static TimeSpan? Interval(IEnumerable<Watcher> watchers, bool appealOpen, DateTimeOffset now)
    {
        TimeSpan? shortest = null;
        foreach (var watcher in watchers)
        {
            var cadence = Enum.TryParse<MonitoringCadence>(watcher.Cadence, out var c) ? c : MonitoringCadence.Auto;
            TimeSpan? interval = cadence switch
            {
                MonitoringCadence.Paused => null,
                MonitoringCadence.Daily => Daily,
                MonitoringCadence.Weekly => Weekly,
                _ => appealOpen || now - watcher.RegisteredAt < NewNumberWindow ? Daily : Weekly,
            };
            if (interval is { } i && (shortest is null || i < shortest))
            {
                shortest = i;
            }
        }

        return shortest;
    }
}
