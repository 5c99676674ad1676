using NumberTrust.Numbers;

namespace NumberTrust.Lookups;

/// <summary>Which platforms apply to a number: the ones to scan for its watchers, and the ones that may hold state to show.</summary>
public sealed class PlatformSelection(ILabelSource source)
{
    /// <summary>Every platform an active watcher names; a watcher that names none watches every enabled platform of the number's market.</summary>
    public IReadOnlyList<string> ToScan(CanonicalNumber number, IEnumerable<Watcher> watchers)
    {
        var platforms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var watcher in watchers.Where(w => w.IsActive))
        {
            platforms.UnionWith(watcher.Platforms.Count == 0 ? source.PlatformsFor(number) : watcher.Platforms.Where(source.IsEnabled));
        }

        return platforms.ToList();
    }

    /// <summary>The platforms one registration scans on demand, whatever its cadence.</summary>
    public IReadOnlyList<string> ToScan(CanonicalNumber number, RegistrationEntity registration) =>
        ToScan(number, [Watcher.Of(registration) with { Cadence = nameof(MonitoringCadence.Auto) }]);

    /// <summary>Every platform that may hold state for a number: the ones named plus every enabled one for its market.</summary>
    public IReadOnlyList<string> ToShow(CanonicalNumber number, IEnumerable<string> named) =>
        source.PlatformsFor(number).Union(named, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
