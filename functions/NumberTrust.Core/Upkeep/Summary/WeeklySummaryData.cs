using NumberTrust.Notifications.Digests;

namespace NumberTrust.Upkeep.Summary;

/// <summary>A number's trust score now and its change over the last 7 days (null without a score then).</summary>
public sealed record WeeklyTrust(string Number, string? DisplayName, int? TrustScore, int? Change7Day);

public sealed record WeeklyAppeal(string AppealId, string Number, string Platform, string Status, DateTimeOffset CreatedAt);

public sealed record WeeklyTask(string TaskId, string Number, string Kind, string DueOn, string Status, bool Overdue);

/// <summary>
/// The data of an <c>upkeep.weekly_summary</c> event (its webhook <c>data</c>, the mail's source): the ISO week, the tenant's local
/// date and zone, and the sections, each with its total and its first <see cref="DigestCollector.MaxItems"/> items.
/// </summary>
public sealed record WeeklySummaryData(
    string Week, string LocalDate, string TimeZone, int Numbers, DigestSection<WeeklyTrust> Trust, DigestSection<DigestLabel> Labels,
    DigestSection<WeeklyAppeal> OpenAppeals, DigestSection<WeeklyTask> TasksDue);
