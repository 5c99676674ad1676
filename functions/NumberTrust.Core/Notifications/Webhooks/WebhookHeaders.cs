namespace NumberTrust.Notifications.Webhooks;

/// <summary>Header names of Standard Webhooks.</summary>
public static class WebhookHeaders
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";
}
