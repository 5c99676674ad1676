using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Upkeep.Tasks;

/// <summary>
/// One maintenance task of a number. Table <c>UpkeepTasks</c>: partition {tenant}, row = task id
/// <c>{period start yyyyMMdd}{kind letter}{hash of number}</c>: stable per number, kind and period (a regeneration adds nothing),
/// and sorted by period, which is the list's order.
/// </summary>
public sealed class UpkeepTaskEntity : ITableEntity
{
    public const string Open = "open";
    public const string Snoozed = "snoozed";
    public const string Completed = "completed";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Number { get; set; } = "";

    /// <summary><see cref="UpkeepTaskKind"/> as text.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The period the task belongs to: an ISO week (2026-W49), a quarter (2026-Q4) or a renewal year (2027).</summary>
    public string Period { get; set; } = "";

    /// <summary>yyyy-MM-dd, tenant-local: the day the task was generated for.</summary>
    public string Due { get; set; } = "";

    /// <summary>yyyy-MM-dd: <see cref="Due"/>, or the snooze date; what overdue and due-before look at.</summary>
    public string DueOn { get; set; } = "";

    public string Status { get; set; } = Open;

    /// <summary>Why the task is due (e.g. "certification expiry on baidu-haoma", "registration anniversary").</summary>
    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>"tenant", or "system" for a weekly review the system did itself.</summary>
    public string? CompletedBy { get; set; }

    public string? Note { get; set; }

    /// <summary>The weekly review's findings as JSON (<see cref="WeeklyReview"/>).</summary>
    public string? Summary { get; set; }

    public string? SummaryText { get; set; }

    public int SnoozeCount { get; set; }

    /// <summary>The <see cref="DueOn"/> an <c>upkeep.task_overdue</c> went out for: once per due date, a snooze re-arms it.</summary>
    public string? OverdueSentFor { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string EntityTag => ETag.ToString();
}

/// <summary>The kinds of the seed's cadence: a weekly check, a quarterly label and document review, a yearly renewal.</summary>
public enum UpkeepTaskKind
{
    WeeklyReview,
    QuarterlyReview,
    YearlyRenewal,
}
