using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Lookups;

/// <summary>Kinds of label change events sent to the <c>alerts</c> queue.</summary>
public enum LabelEventType
{
    NewLabel,
    CategoryChanged,
    CountJump,
    Cleared,
    Unreadable,
}

/// <summary>
/// A label change event, kept as row <c>event|{id}</c> in the number's partition (written with the state change, so it exists once)
/// and sent to the <c>alerts</c> queue. The id is derived from the job and type, so a resend carries the same id.
/// </summary>
public sealed class LabelEventEntity : ITableEntity
{
    public const string RowPrefix = "event|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string EventId { get; set; } = "";

    public string Type { get; set; } = "";

    public string Platform { get; set; } = "";

    public string? FromCategory { get; set; }

    public string? ToCategory { get; set; }

    /// <summary>For CategoryChanged: <c>escalation</c> or <c>de-escalation</c>.</summary>
    public string? Direction { get; set; }

    public int? FromCount { get; set; }

    public int? ToCount { get; set; }

    public string? LabelText { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public bool Dispatched { get; set; }

    /// <summary>When a follow-up claimed the event for sending; a stale claim (sender died) may be taken over.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }
}
