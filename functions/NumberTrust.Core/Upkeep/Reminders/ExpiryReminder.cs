namespace NumberTrust.Upkeep.Reminders;

/// <summary>
/// Which expiry reminder is due: 30 and 7 days before and on the day. Only the nearest threshold that has passed is ever sent
/// (a timer that was down catches up with one reminder, not three), and each (date, threshold) once. State is the date and the
/// nearest threshold already sent for it: a date moved later re-arms every threshold still ahead of it, a date moved earlier
/// sends only a threshold nearer than the one already sent.
/// </summary>
public static class ExpiryReminder
{
    public static readonly IReadOnlyList<int> Thresholds = [30, 7, 0];

    /// <summary>The threshold (days before expiry) to send today, or null.</summary>
    public static int? Due(DateOnly today, DateOnly expires, DateOnly? remindedFor, int? remindedThreshold)
    {
        int? nearest = null;
        foreach (var threshold in Thresholds)
        {
            if (today >= expires.AddDays(-threshold))
            {
                nearest = threshold;
            }
        }

        if (nearest is not { } due || remindedFor is not { } sentFor || remindedThreshold is not { } sent)
        {
            return nearest;
        }

        // The same date, or a date moved earlier: only a nearer threshold is news. A date moved later starts over.
        return sentFor >= expires && due >= sent ? null : due;
    }
}
