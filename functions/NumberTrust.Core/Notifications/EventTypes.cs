namespace NumberTrust.Notifications;

/// <summary>One kind of event a subscription can ask for: its stable name (<c>label.new</c>), its group and what it means.</summary>
public sealed record EventType(string Name, string Group, string Description);

/// <summary>
/// Every event type the system raises. A feature that raises a new kind adds it here (and nowhere else): subscriptions validate
/// against this list, the API documents it, and the dispatcher renders any of them.
/// </summary>
public static class EventTypes
{
    public const string LabelGroup = "label";
    public const string AppealGroup = "appeal";
    public const string UpkeepGroup = "upkeep";
    public const string SystemGroup = "system";

    public const string NewLabel = "label.new";
    public const string CategoryChanged = "label.category_changed";
    public const string CountJump = "label.count_jump";
    public const string Cleared = "label.cleared";
    public const string Unreadable = "label.unreadable";

    public const string AppealSubmitted = "appeal.submitted";
    public const string AppealResolved = "appeal.resolved";
    public const string AppealRejected = "appeal.rejected";
    public const string AppealOverdue = "appeal.overdue";
    public const string AppealExpired = "appeal.expired";
    public const string Relabeled = "appeal.relabeled";

    public const string IdentityChanged = "upkeep.identity_changed";
    public const string IdentityLost = "upkeep.identity_lost";
    public const string DisplayMismatch = "upkeep.display_mismatch";
    public const string DocumentExpiring = "upkeep.document_expiring";
    public const string CertificationExpiring = "upkeep.certification_expiring";
    public const string DisplayLabelReminder = "upkeep.display_label_reminder";
    public const string TaskOverdue = "upkeep.task_overdue";
    public const string AnswerRateDrop = "upkeep.answer_rate_drop";
    public const string CustomerReport = "upkeep.customer_report";

    public const string Ping = "system.ping";

    public const string DigestGroup = "digest";
    public const string DigestDaily = "digest.daily";
    public const string DigestAllClear = "digest.all_clear";

    public const string WeeklySummary = "upkeep.weekly_summary";

    public static IReadOnlyList<EventType> All { get; } =
    [
        new(NewLabel, LabelGroup, "A platform labels a number that it did not label before."),
        new(CategoryChanged, LabelGroup, "A platform's label of a number changes category (escalation or de-escalation)."),
        new(CountJump, LabelGroup, "The number of reports behind a label rises sharply."),
        new(Cleared, LabelGroup, "A platform no longer labels a number."),
        new(Unreadable, LabelGroup, "A platform could not be read for a number several times in a row."),
        new(AppealSubmitted, AppealGroup, "A removal appeal was filed with a platform."),
        new(AppealResolved, AppealGroup, "An appeal ended with the label verified gone."),
        new(AppealRejected, AppealGroup, "A platform rejected an appeal."),
        new(AppealOverdue, AppealGroup, "An appeal is past the platform's typical turnaround."),
        new(AppealExpired, AppealGroup, "An appeal had no answer from the platform long after submission and was closed as Expired."),
        new(Relabeled, AppealGroup, "A label came back within 90 days of a resolved appeal."),
        new(IdentityChanged, UpkeepGroup, "The business identity a platform shows for a number changed."),
        new(IdentityLost, UpkeepGroup, "A platform no longer shows a number's business identity."),
        new(DisplayMismatch, UpkeepGroup, "What a platform shows for a number differs from what callers should see."),
        new(DocumentExpiring, UpkeepGroup, "A qualification document expires soon or today."),
        new(CertificationExpiring, UpkeepGroup, "A number's authentication certification expires soon or today."),
        new(DisplayLabelReminder, UpkeepGroup, "A planned display label starts soon, or ended and should be switched back."),
        new(TaskOverdue, UpkeepGroup, "A maintenance task is past its due date."),
        new(AnswerRateDrop, UpkeepGroup, "A number's answer rate dropped below its baseline."),
        new(CustomerReport, UpkeepGroup, "A customer reported a label through the tenant's public report link."),
        new(Ping, SystemGroup, "A test delivery sent on request."),
        new(DigestDaily, DigestGroup, "The tenant's daily digest: labeled numbers by platform, changes of the last day, trust drops, failed scans, open follow-ups."),
        new(DigestAllClear, DigestGroup, "The weekly all clear: nothing to report, sent on the tenant's chosen weekday if it asked for it."),
        new(WeeklySummary, UpkeepGroup, "The tenant's weekly upkeep summary: each number's trust score and 7-day change, standing labels, open appeals, maintenance tasks due."),
    ];

    public static bool IsKnown(string name) => All.Any(t => t.Name == name);

    /// <summary>The event type of a label change.</summary>
    public static string ForLabel(Lookups.LabelEventType type) => type switch
    {
        Lookups.LabelEventType.NewLabel => NewLabel,
        Lookups.LabelEventType.CategoryChanged => CategoryChanged,
        Lookups.LabelEventType.CountJump => CountJump,
        Lookups.LabelEventType.Cleared => Cleared,
        Lookups.LabelEventType.Unreadable => Unreadable,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a label event type."),
    };
}
