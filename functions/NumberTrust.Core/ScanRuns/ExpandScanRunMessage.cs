using NumberTrust.Hosting;

namespace NumberTrust.ScanRuns;

/// <summary>
/// One page of a tenant-wide on-demand scan to expand into lookup jobs: the registrations after <see cref="After"/> (null = from
/// the start). Each page is its own message, so a crash costs at most one page of work. <see cref="Revivals"/> counts how often
/// this page came back from the poison queue.
/// </summary>
public sealed record ExpandScanRunMessage(int Version, string RunId, string TenantId, string? After = null, int Revivals = 0) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}
