using System.ComponentModel;

namespace NumberTrust.Notifications.Subscriptions;

/// <summary>A subscription as the API shows it. <see cref="Secret"/> is set only in the answer that created or rotated it.</summary>
public sealed record SubscriptionView(
    string Id,
    string Name,
    IReadOnlyList<string> EventTypes,
    SubscriptionFilterRequest Filters,
    IReadOnlyList<string> Emails,
    IReadOnlyList<WebhookView> Webhooks,
    [property: Description("The webhook signing secret (whsec_...): shown once, store it now.")] string? Secret,
    [property: Description("Until when the previous secret still signs deliveries (a second signature).")] DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static SubscriptionView Of(SubscriptionEntity entity, Webhooks.WebhookSecret? secret = null, DateTimeOffset? now = null)
    {
        var disabled = entity.DisabledWebhookList;
        return new SubscriptionView(
            entity.RowKey,
            entity.Name,
            entity.EventTypeList,
            new SubscriptionFilterRequest(entity.Platform, entity.MinimumCategory, entity.Tag, entity.Department),
            entity.EmailList,
            entity.WebhookList.Select(u => new WebhookView(u, disabled.Contains(u, StringComparer.Ordinal))).ToList(),
            secret?.Value,
            entity.PreviousSecret is not null && entity.PreviousSecretExpiresAt > now ? entity.PreviousSecretExpiresAt : null,
            entity.CreatedAt,
            entity.UpdatedAt);
    }
}

/// <summary>A webhook endpoint; <see cref="Disabled"/> after it answered 410 Gone (save the subscription with it again to re-enable).</summary>
public sealed record WebhookView(string Url, bool Disabled);

public sealed record SubscriptionPage(IReadOnlyList<SubscriptionView> Items, string? ContinuationToken);

/// <summary>Body of <c>POST /api/subscriptions/{id}/secret</c>.</summary>
public sealed record RotateSecretRequest(
    [property: Description("How long the old secret keeps signing deliveries next to the new one, in hours: 0 to 168 (default 24).")] double? OverlapHours);

/// <summary>What a test ping through one channel gave.</summary>
public sealed record ChannelTestResult(
    [property: Description("email or webhook.")] string Channel,
    [property: Description("The recipient address or webhook URL.")] string Target,
    bool Succeeded,
    [property: Description("HTTP status the receiver (or ACS) answered, when there was one.")] int? StatusCode,
    double LatencyMs,
    string? Detail);

public sealed record SubscriptionTestResult(string SubscriptionId, string EventId, IReadOnlyList<ChannelTestResult> Channels);
