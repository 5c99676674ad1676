using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Deliveries;
using NumberTrust.Storage;

namespace NumberTrust.Tests.Notifications;

/// <summary>
/// Who dispatches an event: the alerts message that adds its dispatch row owns it and sends first, records after; duplicates of
/// the event leave it to the owner while its claim holds; a dead owner's dispatch is taken over and finished, and a poisoned event's
/// claim is released so its next message can.
/// </summary>
public sealed class AlertDispatchOwnershipTests : IAsyncLifetime
{
    private const string Number = "+8613800138091";
    private DeliveryHost _host = null!;
    private string _tenant = "";
    private HttpClient _client = null!;
    private (string Id, string Url)[] _subscriptions = [];

    public async Task InitializeAsync()
    {
        _host = await DeliveryHost.StartAsync(new Dictionary<string, string?> { ["Alerts:PoisonRetryDelay"] = "00:00:00" });
        _tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        _client = await _host.Api.TenantAsync(_tenant);
        var subscriptions = new List<(string, string)>();
        foreach (var path in new[] { "/a", "/b" })
        {
            var url = _host.Receiver.UrlFor(path).ToString();
            var (id, secret) = await DeliveryHost.SubscribeAsync(_client, new { name = path, eventTypes = new[] { "upkeep.*" }, webhooks = new[] { url } });
            _host.Receiver.AddEndpoint(path, secret!);
            subscriptions.Add((id, url));
        }

        _subscriptions = [.. subscriptions];
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DeliveryStore Deliveries => _host.Api.Services.GetRequiredService<DeliveryStore>();

    private StorageAccount Storage => _host.Api.Services.GetRequiredService<StorageAccount>();

    [Fact]
    public async Task Copies_of_an_event_published_at_once_send_each_webhook_once_and_mark_the_dispatch_done()
    {
        var notification = Event("identity-copies");
        var body = QueueMessageJson.Serialize(notification);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Storage.Queue(QueueNames.Alerts).SendMessageAsync(body)));

        await DeliveryHost.WaitUntilAsync(() => _host.Receiver.Deliveries.Count >= 2, "both webhooks");
        await DrainedAsync();
        var dispatch = await Deliveries.FindDispatchAsync(notification.EventId, CancellationToken.None);
        Assert.True(dispatch is { Done: true, Deliveries: 2, ClaimedBy: null }, $"dispatch: done {dispatch?.Done}, {dispatch?.Deliveries} deliveries, claimed by {dispatch?.ClaimedBy}");
        Assert.Equal(2, _host.Receiver.Deliveries.Count);
        Assert.Empty(_host.Receiver.Duplicates());
        foreach (var (id, _) in _subscriptions)
        {
            var done = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, id, "succeeded", items => items.Length >= 1));
            Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        }
    }

    [Fact]
    public async Task A_dead_owners_dispatch_is_finished_without_repeating_what_it_recorded_even_where_it_left_a_claim()
    {
        var notification = Event("identity-dead-owner");
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Deliveries.AddDispatchAsync(Dispatch(notification, "dead-message", now - TimeSpan.FromMinutes(1)), CancellationToken.None));
        // The dead owner sent and recorded /a, and had claimed /b (a taken-over dispatch of its own) when it died.
        Assert.True(await Deliveries.AddAsync(Delivery(notification, 0, DeliveryStatus.Succeeded, attempts: 1, claimedBy: null, now), CancellationToken.None));
        Assert.True(await Deliveries.AddAsync(Delivery(notification, 1, DeliveryStatus.Pending, attempts: 0, claimedBy: "dead-message", now), CancellationToken.None));

        await _host.Events.PublishAsync(notification, CancellationToken.None);

        var b = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, _subscriptions[1].Id, "succeeded", items => items.Length >= 1));
        Assert.Equal(1, b.GetProperty("attempts").GetInt32());
        await DrainedAsync();
        var hook = Assert.Single(_host.Receiver.Deliveries);
        Assert.Equal("/b", hook.Path);
        Assert.True(hook.SignatureValid, hook.Problem);
        Assert.True((await Deliveries.FindDispatchAsync(notification.EventId, CancellationToken.None))!.Done);
    }

    [Fact]
    public async Task A_copy_of_an_event_another_message_holds_waits_for_it_and_poison_releases_the_hold()
    {
        var notification = Event("identity-held");
        Assert.True(await Deliveries.AddDispatchAsync(Dispatch(notification, "live-message", DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5)), CancellationToken.None));

        await _host.Events.PublishAsync(notification, CancellationToken.None);
        await DrainedAsync();
        await Task.Delay(500);
        Assert.Empty(_host.Receiver.Deliveries);
        var held = await Deliveries.FindDispatchAsync(notification.EventId, CancellationToken.None);
        Assert.Equal("live-message", held!.ClaimedBy);
        Assert.False(held.Done);

        // The owner's message failed every dequeue: from the poison queue the event goes back with the hold released.
        await Storage.Queue(QueueNames.AlertsPoison).SendMessageAsync(QueueMessageJson.Serialize(notification));
        await DeliveryHost.WaitUntilAsync(() => _host.Receiver.Deliveries.Count >= 2, "both webhooks after the poison hand-back");
        await DrainedAsync();
        Assert.Equal(2, _host.Receiver.Deliveries.Count);
        Assert.Empty(_host.Receiver.Duplicates());
        Assert.True((await Deliveries.FindDispatchAsync(notification.EventId, CancellationToken.None))!.Done);
    }

    private NotificationEvent Event(string id) =>
        new(NotificationEvent.CurrentVersion, id + "-" + Guid.NewGuid().ToString("N")[..6], EventTypes.IdentityLost, DateTimeOffset.UtcNow, Number, _tenant, "baidu-haoma");

    private static DispatchEntity Dispatch(NotificationEvent notification, string claimedBy, DateTimeOffset claimedUntil) =>
        DispatchEntity.Claimed(notification, claimedBy, claimedUntil, DateTimeOffset.UtcNow);

    private DeliveryEntity Delivery(NotificationEvent notification, int subscription, DeliveryStatus status, int attempts, string? claimedBy, DateTimeOffset now)
    {
        var (id, url) = _subscriptions[subscription];
        return new DeliveryEntity
        {
            PartitionKey = DeliveryEntity.PartitionFor(_tenant, id),
            DeliveryId = DeliveryStore.IdFor(id, DeliveryStore.ChannelKey(DeliveryEntity.WebhookChannel, url), notification.EventId),
            TenantId = _tenant,
            SubscriptionId = id,
            EventId = notification.EventId,
            EventType = notification.Type,
            Number = notification.Number,
            Channel = DeliveryEntity.WebhookChannel,
            Target = url,
            Event = QueueMessageJson.Serialize(notification).ToString(),
            Status = status.ToString(),
            Attempts = attempts,
            ClaimedBy = claimedBy,
            ClaimedUntil = claimedBy is null ? null : now + TimeSpan.FromMinutes(5),
            CreatedAt = now,
            UpdatedAt = now,
            CompletedAt = status == DeliveryStatus.Succeeded ? now : null,
        };
    }

    private async Task DrainedAsync()
    {
        foreach (var queue in new[] { QueueNames.Alerts, QueueNames.AlertsPoison })
        {
            await DeliveryHost.WaitUntilAsync(async () => (await Storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, queue + " drained");
        }
    }
}
