using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// Reads one platform's label for a number. Never throws except <see cref="OperationCanceledException"/> when the caller's token
/// is cancelled; everything else (HTTP errors, timeouts, block pages, open circuits) comes back as an Unknown result.
/// </summary>
public interface IPlatformAdapter
{
    string PlatformId { get; }

    /// <summary>Whether the platform can answer for this number at all (its market), regardless of being enabled.</summary>
    bool Covers(CanonicalNumber number);

    Task<LookupResult> LookupAsync(CanonicalNumber number, CancellationToken cancellationToken);
}

/// <summary>The adapters of this deployment by platform id.</summary>
public interface IPlatformAdapterRegistry
{
    /// <summary>Every platform id known to this deployment: built-ins plus configured JSON-adapter platforms.</summary>
    IReadOnlyList<string> PlatformIds { get; }

    /// <summary>Enabled platform ids, in catalog order.</summary>
    IReadOnlyList<string> EnabledIds { get; }

    bool IsEnabled(string platformId);

    /// <summary>The adapter of an enabled platform, or null.</summary>
    IPlatformAdapter? Find(string platformId);

    /// <summary>Enabled platforms whose market covers the number (used when a registration names no platforms).</summary>
    IReadOnlyList<string> EnabledFor(CanonicalNumber number);

    /// <summary>The configured options of a platform (pacing: <see cref="PlatformOptions.RequestsPerSecond"/>, <see cref="PlatformOptions.MaxConcurrency"/>).</summary>
    PlatformOptions Options(string platformId);

    /// <summary>Looks a number up; a disabled or unknown platform gives Unknown(NotConfigured) without any request.</summary>
    Task<LookupResult> LookupAsync(string platformId, CanonicalNumber number, CancellationToken cancellationToken);
}
