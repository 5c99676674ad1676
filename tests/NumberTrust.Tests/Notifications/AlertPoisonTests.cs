using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Storage;

namespace NumberTrust.Tests.Notifications;

/// <summary>
/// An event whose dispatch failed on every dequeue lands on <c>alerts-poison</c>; the host puts it back on <c>alerts</c> (after
/// <c>Alerts:PoisonRetryDelay</c>, zero here) while it is younger than <c>Alerts:PoisonRetryWindow</c>, and drops it after that.
/// </summary>
public sealed class AlertPoisonTests
{
    [Fact]
    public async Task A_poisoned_event_is_dispatched_again_and_reaches_its_subscription_once_and_an_old_or_unreadable_one_is_dropped()
    {
        await using var host = await DeliveryHost.StartAsync(new Dictionary<string, string?> { ["Alerts:PoisonRetryDelay"] = "00:00:00" });
        var tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        var client = await host.Api.TenantAsync(tenant);
        var (sub, _) = await DeliveryHost.SubscribeAsync(client, new { name = "mail", eventTypes = new[] { "upkeep.*" }, emails = new[] { "ops@tenant.example.com" } });
        var storage = host.Api.Services.GetRequiredService<StorageAccount>();
        var poison = storage.Queue(QueueNames.AlertsPoison);

        var old = new NotificationEvent(NotificationEvent.CurrentVersion, "identity-old", EventTypes.IdentityLost,
            DateTimeOffset.UtcNow - TimeSpan.FromHours(25), "+8613800138078", tenant, "baidu-haoma");
        await poison.SendMessageAsync(QueueMessageJson.Serialize(old));
        await poison.SendMessageAsync(BinaryData.FromString("{\"not\":\"an event\""));
        var fresh = new NotificationEvent(NotificationEvent.CurrentVersion, "identity-poisoned", EventTypes.IdentityLost,
            DateTimeOffset.UtcNow, "+8613800138079", tenant, "baidu-haoma");
        await poison.SendMessageAsync(QueueMessageJson.Serialize(fresh));
        await poison.SendMessageAsync(QueueMessageJson.Serialize(fresh)); // poisoned twice: still one mail

        var delivered = await DeliveryHost.WaitForDeliveriesAsync(client, sub, "succeeded", items => items.Length >= 1);
        await DeliveryHost.WaitUntilAsync(async () => (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the poison queue drained");
        await DeliveryHost.WaitUntilAsync(async () => (await storage.Queue(QueueNames.Alerts).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the alerts queue drained");

        var only = Assert.Single(delivered);
        Assert.Equal("identity-poisoned", only.GetProperty("eventId").GetString());
        var mail = Assert.Single(host.Acs.Mailbox);
        Assert.Contains("+8613800138079", mail.Subject, StringComparison.Ordinal);
        Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(client, sub, "succeeded", items => items.Length >= 1));
    }
}
