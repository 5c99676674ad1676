namespace NumberTrust.Platforms;

/// <summary>
/// Platform ids of this deployment, fixed at registration: the built-ins plus every configured <c>Platforms:&lt;id&gt;</c> (an
/// operator's own JSON-adapter platforms). A registration may name any of them.
/// </summary>
public sealed class PlatformIdSet(IReadOnlyList<string> ids)
{
    private readonly HashSet<string> _set = ids.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<string> Ids { get; } = ids;

    public bool IsKnown(string id) => _set.Contains(id);
}
