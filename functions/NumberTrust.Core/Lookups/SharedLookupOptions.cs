using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Lookups;

/// <summary>How on-demand scans share lookups of a number and platform (section <c>Lookups</c>; docs/architecture.md, "Shared on-demand lookups").</summary>
public sealed class SharedLookupOptions
{
    public const string Section = "Lookups";

    /// <summary>An on-demand job is answered from an observation read at most this long before the scan was asked for; 0 shares only lookups in flight.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "SharedFreshness must be between 0 and 1 day.")]
    public TimeSpan SharedFreshness { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a claim on a number and platform's lookup holds; a crashed claimer's claim is taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "ClaimLease must be between 1 second and 10 minutes.")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often a job waiting for another job's lookup looks at the claim again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30", ErrorMessage = "ClaimPollInterval must be between 50 ms and 30 seconds.")]
    public TimeSpan ClaimPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Scans per tenant that may ask for a lookup newer than <see cref="SharedFreshness"/> in one <see cref="FreshScanWindow"/>.</summary>
    [Range(1, 100_000, ErrorMessage = "FreshScansPerWindow must be between 1 and 100000.")]
    public int FreshScansPerWindow { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "FreshScanWindow must be between 1 second and 1 day.")]
    public TimeSpan FreshScanWindow { get; set; } = TimeSpan.FromHours(1);
}
