using System.Globalization;

namespace NumberTrust.Upkeep.Tasks;

/// <summary>A task the calendar wants to exist: its kind, period, the start of the period (the id's sort key) and its due day.</summary>
public sealed record PlannedTask(UpkeepTaskKind Kind, string Period, DateOnly PeriodStart, DateOnly Due, string Reason);

/// <summary>
/// The seed's cadence as dates, on the tenant's local day. Each kind yields at most the task of its current period, so a timer
/// that was down creates the task it missed on its next tick (and nothing twice: the id is the period's).
/// </summary>
public static class UpkeepCalendar
{
    /// <summary>A yearly renewal whose date passed more than this long ago is not generated any more (a number first seen late).</summary>
    public const int YearlyCatchUpDays = 31;

    public static string KindText(UpkeepTaskKind kind) => kind switch
    {
        UpkeepTaskKind.WeeklyReview => "weekly_review",
        UpkeepTaskKind.QuarterlyReview => "quarterly_review",
        _ => "yearly_renewal",
    };

    public static string IdOf(string e164, UpkeepTaskKind kind, DateOnly periodStart) =>
        periodStart.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + KindText(kind)[0] + "-" + e164.TrimStart('+');

    /// <summary>The weekly review of this ISO week, from its day on (the system does it then, so it is never ahead of today).</summary>
    public static PlannedTask? Weekly(UpkeepTaskSettings settings, DateOnly today)
    {
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var due = monday.AddDays(((int)settings.WeeklyDay + 6) % 7);
        if (!settings.Weekly || today < due)
        {
            return null;
        }

        var date = today.ToDateTime(TimeOnly.MinValue);
        var period = $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}";
        return new(UpkeepTaskKind.WeeklyReview, period, monday, due, "weekly check of trust score, labels and scans");
    }

    /// <summary>The quarter's label and document review, from the quarter's first day; not for a number registered after its due day.</summary>
    public static PlannedTask? Quarterly(UpkeepTaskSettings settings, DateOnly today, DateOnly registered)
    {
        var start = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1);
        var due = start.AddDays(settings.QuarterlyDay - 1);
        return settings.Quarterly && registered <= due
            ? new(UpkeepTaskKind.QuarterlyReview, $"{today.Year}-Q{((today.Month - 1) / 3) + 1}", start, due, "update dynamic display labels and qualification documents")
            : null;
    }

    /// <summary>
    /// The yearly renewal: on the earliest certification expiry of the number's expectations when it has one in reach, else on
    /// the anniversary of its registration; it appears <see cref="UpkeepTaskSettings.YearlyLeadDays"/> ahead of that day.
    /// </summary>
    public static PlannedTask? Yearly(UpkeepTaskSettings settings, DateOnly today, DateOnly registered, IEnumerable<(DateOnly Expires, string Platform)> certifications)
    {
        if (!settings.Yearly)
        {
            return null;
        }

        bool InReach(DateOnly due) => today >= due.AddDays(-settings.YearlyLeadDays) && today <= due.AddDays(YearlyCatchUpDays);
        var expiry = certifications.Where(c => InReach(c.Expires)).OrderBy(c => c.Expires).ThenBy(c => c.Platform, StringComparer.Ordinal).ToList();
        if (expiry.Count > 0)
        {
            var (due, platform) = expiry[0];
            return Renewal(due, $"certification expires on {platform}");
        }

        for (var year = today.Year - 1; year <= today.Year + 1; year++)
        {
            var anniversary = new DateOnly(year, registered.Month, Math.Min(registered.Day, DateTime.DaysInMonth(year, registered.Month)));
            if (anniversary > registered && InReach(anniversary))
            {
                return Renewal(anniversary, "anniversary of registration");
            }
        }

        return null;
    }

    private static PlannedTask Renewal(DateOnly due, string reason) =>
        new(UpkeepTaskKind.YearlyRenewal, due.Year.ToString(CultureInfo.InvariantCulture), new DateOnly(due.Year, 1, 1), due, reason);
}
