using Microsoft.Extensions.Configuration;

namespace NumberTrust.Numbers;

/// <summary>
/// Platform ids a registration may name: the built-in adapters plus every platform configured under <c>Platforms:&lt;id&gt;</c>
/// (an operator's own JSON-adapter platforms).
/// </summary>
public sealed class KnownPlatforms
{
    public KnownPlatforms(IConfiguration configuration)
    {
        Ids = Platforms.PlatformRegistry.ConfiguredIds(configuration).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlySet<string> Ids { get; }

    public bool IsKnown(string id) => Ids.Contains(id);
}
