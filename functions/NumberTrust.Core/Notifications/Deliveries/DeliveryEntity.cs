using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Hosting;

namespace NumberTrust.Notifications.Deliveries;

/// <summary>Where a delivery stands: waiting (first attempt or a retry), delivered, or given up (the dead letter).</summary>
public enum DeliveryStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>One attempt as recorded on its delivery.</summary>
public sealed record DeliveryAttempt(
    int Number,
    DateTimeOffset At,
    string Outcome,
    int? StatusCode,
    double LatencyMs,
    string? Error);

/// <summary>
/// A delivery of one event to one channel of one subscription (table <c>Deliveries</c>): partition <c>{tenant}|{subscription}</c>,
/// row <c>d|{deliveryId}</c> (the truth, added once: an existing row means "already dispatched") and a copy of it (less the event) under
/// <c>s|{status}|{inverted created ticks}|{deliveryId}</c> for listing by status, newest first; both change in one transaction.
/// </summary>
public sealed class DeliveryEntity : ITableEntity
{
    public const string RecordPrefix = "d|";
    public const string StatusPrefix = "s|";
    public const string WebhookChannel = "webhook";
    public const string EmailChannel = "email";
    public const int MaxLoggedAttempts = 25;

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string DeliveryId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string SubscriptionId { get; set; } = "";
    public string EventId { get; set; } = "";
    public string EventType { get; set; } = "";
    public string? Number { get; set; }

    /// <summary><see cref="WebhookChannel"/> or <see cref="EmailChannel"/>.</summary>
    public string Channel { get; set; } = "";

    /// <summary>The webhook URL or the recipient address.</summary>
    public string Target { get; set; } = "";

    /// <summary>The event as it came from the alerts queue (JSON), so every attempt renders and signs the same content.</summary>
    public string Event { get; set; } = "{}";

    public string Status { get; set; } = nameof(DeliveryStatus.Pending);

    /// <summary>Attempts made so far; a queue message for attempt n is only acted on while this is n.</summary>
    public int Attempts { get; set; }

    /// <summary>The attempt that started the current retry schedule (0, or where a manual redelivery began a new one).</summary>
    public int ScheduleStart { get; set; }

    /// <summary>JSON list of <see cref="DeliveryAttempt"/>s, the latest <see cref="MaxLoggedAttempts"/>.</summary>
    public string AttemptLog { get; set; } = "[]";

    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>The queue message id of the worker sending it now, and until when that claim holds.</summary>
    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>The ACS Operation-Id of an email delivery (stable; a new one only after ACS itself failed the operation).</summary>
    public string? OperationId { get; set; }

    public string? LastOutcome { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    [IgnoreDataMember]
    public DeliveryStatus State => Enum.Parse<DeliveryStatus>(Status);

    public static string PartitionFor(string tenantId, string subscriptionId) => tenantId + "|" + subscriptionId;

    public static string RecordRow(string deliveryId) => RecordPrefix + deliveryId;

    public static string StatusRowPrefix(DeliveryStatus status) => StatusPrefix + status.ToString().ToLowerInvariant() + "|";

    [IgnoreDataMember]
    public string StatusRow => StatusRowPrefix(State) + (DateTimeOffset.MaxValue.UtcTicks - CreatedAt.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "|" + DeliveryId;

    public bool IsClaimed(DateTimeOffset now) => ClaimedBy is not null && ClaimedUntil > now;

    public IReadOnlyList<DeliveryAttempt> AttemptList() => JsonSerializer.Deserialize<DeliveryAttempt[]>(AttemptLog, ApiJson.Options) ?? [];

    public void AddAttempt(DeliveryAttempt attempt) =>
        AttemptLog = JsonSerializer.Serialize(AttemptList().Append(attempt).TakeLast(MaxLoggedAttempts).ToArray(), ApiJson.Options);

    public NotificationEvent ReadEvent() =>
        QueueMessageJson.Deserialize<NotificationEvent>(BinaryData.FromString(Event), NotificationEvent.CurrentVersion);

    /// <summary>The same delivery under another row key (the status copy), without the event body: listings never send it.</summary>
    public DeliveryEntity CopyAs(string rowKey)
    {
        var copy = (DeliveryEntity)MemberwiseClone();
        copy.RowKey = rowKey;
        copy.ETag = default;
        copy.Event = "";
        return copy;
    }
}
