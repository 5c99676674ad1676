using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Deliveries;
using NumberTrust.Simulator.Webhooks;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Notifications;

/// <summary>
/// Every way a delivery can go wrong, through the running host: refused content, server errors, throttling, timeouts, a closed
/// port, 410 Gone, the last attempt (a failed record visible through the API) and manual redelivery. Back-off here is 0.3 s
/// doubling to 1 s over 3 attempts.
/// </summary>
public sealed class DeliveryFailureTests : IAsyncLifetime
{
    private DeliveryHost _host = null!;
    private HttpClient _client = null!;
    private string _tenant = null!;

    public async Task InitializeAsync()
    {
        _host = await DeliveryHost.StartAsync();
        _tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        _client = await _host.Api.TenantAsync(_tenant);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> WebhookSubscriptionAsync(string path)
    {
        var (id, secret) = await DeliveryHost.SubscribeAsync(_client, new { name = "hook " + path, eventTypes = new[] { "appeal.*" }, webhooks = new[] { _host.Receiver.UrlFor(path).ToString() } });
        _host.Receiver.AddEndpoint(path, secret!);
        return id;
    }

    private async Task<string> PublishAsync()
    {
        var id = "appeal-" + Guid.NewGuid().ToString("N")[..12] + "-submitted";
        await _host.Events.PublishAsync(
            new NotificationEvent(NotificationEvent.CurrentVersion, id, EventTypes.AppealSubmitted, DateTimeOffset.UtcNow, "+8613800138099", _tenant, "qihoo360",
                null, new JsonObject { ["appealId"] = "ap_0001" }),
            CancellationToken.None);
        return id;
    }

    private static int?[] Statuses(JsonElement delivery) =>
        delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.TryGetProperty("statusCode", out var s) ? s.GetInt32() : (int?)null).ToArray();

    private static string[] Outcomes(JsonElement delivery) =>
        delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!).ToArray();

    [Fact]
    public async Task A_4xx_answer_fails_at_once_and_shows_as_a_dead_letter_with_its_attempt()
    {
        var sub = await WebhookSubscriptionAsync("/refuses");
        _host.Receiver.Script("/refuses", new WebhookResponseScript(Status: 400, Body: "unknown field"));

        await PublishAsync();

        var failed = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "failed", items => items.Length == 1));
        Assert.Equal([400], Statuses(failed));
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.Contains("unknown field", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.True(failed.GetProperty("attemptLog")[0].GetProperty("latencyMs").GetDouble() > 0);
        Assert.Single(_host.Receiver.Deliveries);
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{sub}/deliveries?status=pending")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Server_errors_are_retried_under_the_same_webhook_id_until_one_succeeds_and_it_is_never_sent_again()
    {
        var sub = await WebhookSubscriptionAsync("/flaky");
        _host.Receiver.Script("/flaky", new WebhookResponseScript(Status: 503), times: 2);

        await PublishAsync();

        var done = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "succeeded", items => items.Length == 1));
        Assert.Equal([503, 503, 204], Statuses(done));
        var received = _host.Receiver.Deliveries;
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.WebhookId).Distinct());
        Assert.All(received, r => Assert.True(r.SignatureValid, r.Problem));

        // A stray message for the delivery (a duplicate, or a redelivered one) sends nothing, and neither may the API.
        var storage = _host.Api.Services.GetRequiredService<StorageAccount>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await storage.Queue(QueueNames.Deliveries).SendMessageAsync(QueueMessageJson.Serialize(
                new DeliveryMessage(DeliveryMessage.CurrentVersion, _tenant, sub, done.GetProperty("id").GetString()!, attempt)));
        }

        var again = await _client.PostAsync($"/api/subscriptions/{sub}/deliveries/{done.GetProperty("id").GetString()}/redeliver", null);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);
        await DeliveryHost.WaitUntilAsync(async () => (await storage.Queue(QueueNames.Deliveries).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the deliveries queue to drain");
        await Task.Delay(500);
        Assert.Equal(3, _host.Receiver.Deliveries.Count);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        var sub = await WebhookSubscriptionAsync("/throttles");
        _host.Receiver.Script("/throttles", new WebhookResponseScript(Status: 429, RetryAfter: TimeSpan.FromSeconds(2)), times: 1);

        await PublishAsync();

        var done = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "succeeded", items => items.Length == 1));
        Assert.Equal([429, 204], Statuses(done));
        var received = _host.Receiver.Deliveries.OrderBy(r => r.ReceivedAt).ToList();
        // The back-off alone would be 0.3 to 0.36 s; only the honoured Retry-After explains the gap.
        Assert.True(received[1].ReceivedAt - received[0].ReceivedAt >= TimeSpan.FromSeconds(1.9), $"retried after {received[1].ReceivedAt - received[0].ReceivedAt}");
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_gets_the_delivery_again()
    {
        var sub = await WebhookSubscriptionAsync("/slow");
        _host.Receiver.Script("/slow", new WebhookResponseScript(Delay: TimeSpan.FromSeconds(3)), times: 1);

        await PublishAsync();

        var done = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "succeeded", items => items.Length == 1));
        Assert.Equal(["Timeout", "Succeeded"], Outcomes(done));
        Assert.Null(Statuses(done)[0]);
    }

    [Fact]
    public async Task A_closed_port_is_retried_to_the_last_attempt_then_the_failed_record_says_why_each_time()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var (sub, _) = await DeliveryHost.SubscribeAsync(_client, new { name = "closed", eventTypes = new[] { "appeal.submitted" }, webhooks = new[] { $"http://127.0.0.1:{port}/hook" } });

        await PublishAsync();

        var failed = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "failed", items => items.Length == 1));
        Assert.Equal(["ConnectionRefused", "ConnectionRefused", "ConnectionRefused"], Outcomes(failed));
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.False(failed.GetProperty("inFlight").GetBoolean());
    }

    [Fact]
    public async Task A_failed_delivery_can_be_redelivered_once_the_receiver_is_back()
    {
        var sub = await WebhookSubscriptionAsync("/down");
        _host.Receiver.Script("/down", new WebhookResponseScript(Status: 500), times: 3);

        await PublishAsync();

        var failed = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "failed", items => items.Length == 1));
        Assert.Equal([500, 500, 500], Statuses(failed));
        var id = failed.GetProperty("id").GetString();

        var redeliver = await _client.PostAsync($"/api/subscriptions/{sub}/deliveries/{id}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal("pending", (await redeliver.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var done = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "succeeded", items => items.Length == 1));
        Assert.Equal([500, 500, 500, 204], Statuses(done));
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{sub}/deliveries?status=failed")).GetProperty("items").EnumerateArray());
        Assert.Single(_host.Receiver.Deliveries.Select(r => r.WebhookId).Distinct());

        await ProblemAssert.IsProblemAsync(await _client.PostAsync($"/api/subscriptions/{sub}/deliveries/{id}/redeliver", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _client.PostAsync($"/api/subscriptions/{sub}/deliveries/dlv_{new string('0', 32)}/redeliver", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _client.PostAsync($"/api/subscriptions/{sub}/deliveries/nope/redeliver", null), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/subscriptions/{sub}/deliveries?status=lost"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/subscriptions/sub_{new string('0', 16)}/deliveries"), HttpStatusCode.NotFound);

        // Another tenant sees none of it.
        var other = await _host.Api.TenantAsync();
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/subscriptions/{sub}/deliveries"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await other.PostAsync($"/api/subscriptions/{sub}/deliveries/{id}/redeliver", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_410_disables_the_webhook_and_later_events_are_not_sent_to_it()
    {
        var sub = await WebhookSubscriptionAsync("/gone");
        _host.Receiver.Script("/gone", new WebhookResponseScript(Status: 410));

        await PublishAsync();

        var failed = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "failed", items => items.Length == 1));
        Assert.Equal([410], Statuses(failed));
        var subscription = await _client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{sub}");
        Assert.True(subscription.GetProperty("webhooks")[0].GetProperty("disabled").GetBoolean());

        await PublishAsync();
        await DeliveryHost.WaitUntilAsync(async () => (await _host.Api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the alerts queue to drain");
        await Task.Delay(500);
        Assert.Single((await _client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{sub}/deliveries")).GetProperty("items").EnumerateArray());
        Assert.Single(_host.Receiver.Deliveries);
    }

    [Fact]
    public async Task A_mail_that_ACS_failed_is_dead_lettered_and_a_redelivery_sends_it_once_under_a_new_operation()
    {
        var (sub, _) = await DeliveryHost.SubscribeAsync(_client, new { name = "mail", eventTypes = new[] { "appeal.*" }, emails = new[] { "appeals@tenant.example.com" } });
        _host.Acs.FailOperations(1);

        await PublishAsync();

        var failed = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "failed", items => items.Length == 1));
        Assert.Equal("email", failed.GetProperty("channel").GetString());
        Assert.Contains("EmailDroppedAllRecipientsSuppressed", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var redeliver = await _client.PostAsync($"/api/subscriptions/{sub}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "succeeded", items => items.Length == 1);
        var mail = Assert.Single(_host.Acs.Mailbox, m => m.To.Single().Address == "appeals@tenant.example.com" && m.Subject.Contains("appeal", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("ap_0001", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal(2, _host.Acs.Requests.Where(r => r.Method == "POST").Select(r => r.OperationId).Distinct().Count());
    }

    [Fact]
    public async Task A_mail_throttled_by_ACS_is_sent_once_when_the_throttling_ends()
    {
        var (sub, _) = await DeliveryHost.SubscribeAsync(_client, new { name = "mail", eventTypes = new[] { "appeal.*" }, emails = new[] { "ops@tenant.example.com" } });
        _host.Acs.ThrottleSends(6, TimeSpan.FromSeconds(1));

        await PublishAsync();

        var done = Assert.Single(await DeliveryHost.WaitForDeliveriesAsync(_client, sub, "succeeded", items => items.Length == 1, TimeSpan.FromSeconds(60)));
        Assert.Single(_host.Acs.Mailbox);
        Assert.Single(_host.Acs.Requests.Where(r => r.Method == "POST").Select(r => r.OperationId).Distinct());
        Assert.True(done.GetProperty("attempts").GetInt32() >= 1);
    }
}
