using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Appeals;

/// <summary>How removal is verified (section <c>Appeals</c>, next to <see cref="AppealsOptions"/>).</summary>
public sealed class AppealVerificationOptions
{
    /// <summary>
    /// The least time between the two clean lookups that resolve an appeal: a label some platforms hide for hours and show again
    /// must not count as removed. Only the local host's demo shortens it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Appeals:VerificationGap must be between 1 second and 7 days.")]
    public TimeSpan VerificationGap { get; set; } = TimeSpan.FromHours(12);
}
