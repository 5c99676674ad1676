using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Notifications.Subscriptions;

/// <summary>
/// One subscription row: partition = tenant, row = subscription id. Lists are JSON columns; the webhook secret is kept because
/// every delivery must be signed with it (the API shows it only at creation and rotation).
/// </summary>
public sealed class SubscriptionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string EventTypes { get; set; } = "[]";
    public string? Platform { get; set; }
    public string? MinimumCategory { get; set; }
    public string? Tag { get; set; }
    public string? Department { get; set; }
    public string Emails { get; set; } = "[]";
    public string Webhooks { get; set; } = "[]";
    public string? DisabledWebhooks { get; set; }
    public string? Secret { get; set; }
    public string? PreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string EntityTag => ETag.ToString();

    [IgnoreDataMember]
    public IReadOnlyList<string> EventTypeList => Read(EventTypes);

    [IgnoreDataMember]
    public IReadOnlyList<string> EmailList => Read(Emails);

    [IgnoreDataMember]
    public IReadOnlyList<string> WebhookList => Read(Webhooks);

    [IgnoreDataMember]
    public IReadOnlyList<string> DisabledWebhookList => Read(DisabledWebhooks);

    internal static string Write(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());

    private static string[] Read(string? json) => string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
}
