using System.Text.Json;
using System.Text.Json.Nodes;
using NumberTrust.Hosting;

namespace NumberTrust.Notifications;

/// <summary>The JSON body of a webhook, shaped as the Standard Webhooks spec suggests: <c>type</c>, <c>timestamp</c>, <c>data</c>.</summary>
public static class WebhookPayload
{
    public static byte[] For(NotificationEvent notification, string subscriptionId)
    {
        var data = new JsonObject
        {
            ["eventId"] = notification.EventId,
            ["subscriptionId"] = subscriptionId,
        };
        if (notification.Number is not null)
        {
            data["number"] = notification.Number;
            data["links"] = new JsonObject { ["number"] = ApiRoutes.PathOf(ApiRoutes.Numbers + "/" + Uri.EscapeDataString(notification.Number)) };
        }

        if (notification.Platform is not null)
        {
            data["platform"] = notification.Platform;
        }

        if (notification.Category is not null)
        {
            data["category"] = notification.Category;
        }

        foreach (var (key, value) in notification.Data ?? [])
        {
            data[key] ??= value?.DeepClone();
        }

        var body = new JsonObject
        {
            ["type"] = notification.Type,
            ["timestamp"] = notification.OccurredAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = data,
        };
        return JsonSerializer.SerializeToUtf8Bytes(body, ApiJson.Options);
    }
}
