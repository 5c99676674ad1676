using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Deliveries;
using NumberTrust.Storage;

namespace NumberTrust.Tests.Notifications;

/// <summary>A delivery whose worker message was poisoned is recorded as failed (a dead letter) instead of staying pending.</summary>
public sealed class DeliveryPoisonTests
{
    [Fact]
    public async Task A_poisoned_delivery_message_fails_its_delivery_with_the_reason_and_it_can_be_redelivered()
    {
        // The dispatcher's first attempt fails and queues the retry; the worker is off, so the retry's message waits in the queue
        // and the test moves it to the poison queue itself.
        await using var host = await DeliveryHost.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobs.DeliverAlert.Disabled"] = "true",
            ["Alerts:FirstRetryDelay"] = "00:00:00.010",
        });
        host.Acs.FailSends(50, 503);
        var tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        var client = await host.Api.TenantAsync(tenant);
        var (sub, _) = await DeliveryHost.SubscribeAsync(client, new { name = "mail", eventTypes = new[] { "upkeep.*" }, emails = new[] { "ops@tenant.example.com" } });
        await host.Events.PublishAsync(
            new NotificationEvent(NotificationEvent.CurrentVersion, "identity-1", EventTypes.IdentityLost, DateTimeOffset.UtcNow, "+8613800138077", tenant, "baidu-haoma"),
            CancellationToken.None);
        var pending = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(client, sub, "pending", items => items.Length == 1));

        var storage = host.Api.Services.GetRequiredService<StorageAccount>();
        QueueMessage? queued = null;
        await DeliveryHost.WaitUntilAsync(async () => (queued = (await storage.Queue(QueueNames.Deliveries).ReceiveMessageAsync()).Value) is not null, "the delivery message");
        await storage.Queue(QueueNames.DeliveriesPoison).SendMessageAsync(queued!.Body);
        await storage.Queue(QueueNames.Deliveries).DeleteMessageAsync(queued.MessageId, queued.PopReceipt);

        var failed = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(client, sub, "failed", items => items.Length == 1));
        Assert.Equal(pending.GetProperty("id").GetString(), failed.GetProperty("id").GetString());
        Assert.Contains("redeliver", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());

        var redeliver = await client.PostAsync($"/api/subscriptions/{sub}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        var message = JsonDocument.Parse((await storage.Queue(QueueNames.Deliveries).PeekMessageAsync()).Value.Body.ToString()).RootElement;
        Assert.Equal(failed.GetProperty("id").GetString(), message.GetProperty("deliveryId").GetString());
        Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(client, sub, "pending", items => items.Length == 1));
        Assert.Empty(host.Acs.Mailbox);
    }
}
