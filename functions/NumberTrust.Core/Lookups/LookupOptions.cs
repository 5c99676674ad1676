using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Lookups;

/// <summary>Thresholds of the lookup worker (section <c>Scanning</c>, shared with the scheduling settings).</summary>
public sealed class LookupOptions
{
    public const string Section = "Scanning";

    /// <summary>Consecutive unreadable lookups after which an Unreadable event is raised (once per streak).</summary>
    [Range(1, 100)]
    public int UnreadableAfter { get; set; } = 3;

    /// <summary>A count rise of at least this many reports (and <see cref="CountJumpMinRatio"/>) is a CountJump.</summary>
    [Range(1, 1_000_000)]
    public int CountJumpMinDelta { get; set; } = 10;

    /// <summary>Relative rise (0.5 = +50 %) that, with <see cref="CountJumpMinDelta"/>, makes a CountJump.</summary>
    [Range(0.0, 100.0)]
    public double CountJumpMinRatio { get; set; } = 0.5;

    /// <summary>How often a rate-limited or circuit-broken job is put back before it is recorded as Unknown.</summary>
    [Range(0, 50)]
    public int MaxReschedules { get; set; } = 8;

    /// <summary>Longest back-off for a rescheduled job.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);
}
