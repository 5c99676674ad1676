using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>
/// An event's dispatch (table <c>Deliveries</c>, partition <c>dispatch|{hash of the event id}</c>): which alerts message owns it and
/// whether it finished. The message that adds it makes each first attempt before writing that delivery's record; another message of the
/// same event (a duplicate publish) leaves the event to the owner while its claim holds. See docs/architecture.md, "Delivering alerts".
/// </summary>
public sealed class DispatchEntity : ITableEntity
{
    public const string PartitionPrefix = "dispatch|";
    public const string Row = "dispatch";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId { get; set; } = "";
    public string EventType { get; set; } = "";

    /// <summary>The alerts message dispatching the event now, and until when that claim holds.</summary>
    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>True once every delivery of the event has its record; later messages of the event do nothing.</summary>
    public bool Done { get; set; }

    /// <summary>The (subscription, channel) pairs the event went to.</summary>
    public int Deliveries { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Event ids are the publisher's; hashed, any of them is a valid partition key.</summary>
    public static string PartitionFor(string eventId) =>
        PartitionPrefix + Email.EmailOperationIds.For("dispatch", "event", eventId).ToString("N");

    /// <summary>A new dispatch of the event, claimed by <paramref name="messageId"/> until <paramref name="until"/>.</summary>
    public static DispatchEntity Claimed(NotificationEvent notification, string messageId, DateTimeOffset until, DateTimeOffset now) => new()
    {
        PartitionKey = PartitionFor(notification.EventId),
        EventId = notification.EventId,
        EventType = notification.Type,
        ClaimedBy = messageId,
        ClaimedUntil = until,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public bool IsClaimed(DateTimeOffset now) => ClaimedBy is not null && ClaimedUntil > now;
}
