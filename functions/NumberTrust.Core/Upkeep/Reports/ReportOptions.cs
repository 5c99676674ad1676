using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Upkeep.Reports;

/// <summary>Limits of the public customer-report endpoint (section <c>Upkeep:Reports</c>); windows are per instance.</summary>
public sealed class ReportOptions
{
    public const string Section = "Upkeep:Reports";

    /// <summary>Reports one report link accepts per window (a shared link on a busy support page).</summary>
    [Range(1, 100_000)]
    public int PerTokenPerWindow { get; set; } = 30;

    /// <summary>Requests one client address may make per window, whatever the link (guessing links, flooding one).</summary>
    [Range(1, 100_000)]
    public int PerAddressPerWindow { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}
