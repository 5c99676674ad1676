namespace NumberTrust.Hosting;

/// <summary>App setting names that hold NCRONTAB schedules (6 fields, seconds first); functions use them as <c>%Name%</c>.</summary>
public static class ScheduleSettings
{
    /// <summary>How often the scan planner looks for due numbers.</summary>
    public const string ScanPlanner = "ScanPlannerSchedule";

    /// <summary>How often the appeal sweep looks for overdue appeals and unpublished appeal events.</summary>
    public const string AppealSweep = "AppealSweepSchedule";

    /// <summary>How often the digest timer looks for tenants whose daily digest is due.</summary>
    public const string Digest = "DigestSchedule";

    /// <summary>How often the upkeep reminder timer looks for due expiry and display-label reminders.</summary>
    public const string UpkeepReminders = "UpkeepReminderSchedule";

    /// <summary>The expression the Functions timer trigger resolves from an app setting.</summary>
    public static string Expression(string setting) => "%" + setting + "%";
}
