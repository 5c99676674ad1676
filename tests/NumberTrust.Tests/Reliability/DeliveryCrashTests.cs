using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NumberTrust.Local.Azurite;
using NumberTrust.Notifications;
using NumberTrust.Simulator;
using NumberTrust.Simulator.Acs;
using NumberTrust.Simulator.Webhooks;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NumberTrust.Tests.Reliability;

/// <summary>
/// Runs the local host as a real process and kills it with SIGKILL at random points while 2,000 events fan out to 20
/// subscriptions (10 webhook, 10 mail). Afterwards the webhook receiver holds every (subscription, event) under its one
/// webhook-id, each correctly signed, and the fake ACS mailbox every mail exactly once; no delivery is pending or failed.
/// </summary>
public sealed class DeliveryCrashTests(ITestOutputHelper output)
{
    private const int Kills = 5;
    private const int WebhookSubscriptions = 10;
    private const int MailSubscriptions = 10;

    /// <summary>2,000 as the issue asks; <c>NT_DELIVERY_CRASH_EVENTS</c> makes a quicker local run.</summary>
    private static int Events => int.TryParse(Environment.GetEnvironmentVariable("NT_DELIVERY_CRASH_EVENTS"), out var n) && n > 0 ? n : 2_000;

    [Fact]
    public async Task Killing_the_host_while_events_fan_out_loses_no_delivery_and_repeats_none_under_a_new_id()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}, {Events} events");
        var random = new Random(seed);
        await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
        await using var acs = await AcsEmailSimulator.StartAsync(new AcsEmailSimulatorOptions { PollRetryAfter = TimeSpan.FromMilliseconds(20) }, CancellationToken.None);
        await using var receiver = await LocalWebhookReceiver.StartAsync(new LocalWebhookReceiverOptions(), CancellationToken.None);
        await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);
        var prefix = Azurite.NewPrefix();
        var port = AzuriteProcess.FreePort();
        var environment = LocalHostProcess.Environment(azurite.ConnectionString, prefix, port, simulator);
        environment["Email__ConnectionString"] = acs.ConnectionString;
        environment["Email__SenderAddress"] = "DoNotReply@alerts.numbertrust.test";
        environment["Queues__VisibilityTimeout"] = "00:00:00.200";
        environment["Queues__ProcessingLease"] = "00:00:10";
        environment["Queues__MaxPollingInterval"] = "00:00:02";
        environment["Alerts__EmailTimeout"] = "00:00:05";
        environment["Alerts__ClaimDuration"] = "00:00:10";
        environment["Alerts__FirstRetryDelay"] = "00:00:01";
        environment["Alerts__MaxRetryDelay"] = "00:00:05";
        // A batch in flight at every kill reaches the dequeue limit and goes to alerts-poison, which sends it back after this.
        environment["Alerts__PoisonRetryDelay"] = "00:00:02";

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        var host = await StartHostAsync(environment, http);
        try
        {
            const string tenant = "delivery-crash";
            await LocalHostProcess.UseNewTenantAsync(http, tenant);
            var subscriptions = new List<(string Id, string? Recipient)>();
            for (var i = 0; i < WebhookSubscriptions + MailSubscriptions; i++)
            {
                var webhook = i < WebhookSubscriptions;
                var path = $"/hooks/{i:D2}";
                var recipient = webhook ? null : $"ops{i:D2}@tenant.example.com";
                using var created = await http.PostAsJsonAsync("/api/subscriptions", webhook
                    ? new { name = $"hook {i}", eventTypes = new[] { "upkeep.*" }, webhooks = new[] { receiver.UrlFor(path).ToString() } }
                    : (object)new { name = $"mail {i}", eventTypes = new[] { "upkeep.*" }, emails = new[] { recipient } });
                var json = await created.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(created.IsSuccessStatusCode, json.ToString());
                if (webhook)
                {
                    receiver.AddEndpoint(path, json.GetProperty("secret").GetString()!);
                }

                subscriptions.Add((json.GetProperty("id").GetString()!, recipient));
            }

            // Tenant events straight onto the alerts queue, as the features that raise them publish them.
            var storage = new StorageAccount(
                new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Storage:Prefix"] = prefix }).Build(), []);
            var publisher = new EventPublisher(storage);
            var eventIds = Enumerable.Range(0, Events).Select(i => $"crash-{i:D5}").ToList();
            await Parallel.ForEachAsync(eventIds, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
                await publisher.PublishAsync(
                    new NotificationEvent(NotificationEvent.CurrentVersion, id, EventTypes.IdentityLost, DateTimeOffset.UtcNow, "+8613800138090", tenant, "baidu-haoma"), ct));

            var expectedHooks = subscriptions.Take(WebhookSubscriptions).SelectMany(s => eventIds.Select(e => $"{s.Id}.{e}")).ToHashSet(StringComparer.Ordinal);
            var expectedMails = Events * MailSubscriptions;
            for (var kill = 1; kill <= Kills; kill++)
            {
                await Task.Delay(random.Next(1500, 6000));
                output.WriteLine($"kill {kill}: {DistinctHooks(receiver)} webhooks, {acs.Mailbox.Count} mails");
                await host.KillAsync();
                await host.DisposeAsync();
                host = await StartHostAsync(environment, http);
            }

            // A lost delivery shows as progress that stops: fail after 3 minutes without a new webhook or mail, or 30 in all.
            var deadline = DateTime.UtcNow.AddMinutes(30);
            var (seen, lastProgress) = (-1, DateTime.UtcNow);
            while (DistinctHooks(receiver) < expectedHooks.Count || acs.Mailbox.Count < expectedMails)
            {
                await Task.Delay(1000);
                var now = DistinctHooks(receiver) + acs.Mailbox.Count;
                if (now != seen)
                {
                    (seen, lastProgress) = (now, DateTime.UtcNow);
                }

                var state = $"{DistinctHooks(receiver)} of {expectedHooks.Count} webhooks, {acs.Mailbox.Count} of {expectedMails} mails after {Kills} kills";
                Assert.True(DateTime.UtcNow - lastProgress < TimeSpan.FromMinutes(3),
                    $"nothing was delivered for 3 minutes: {state}\nhost output (last 40 lines):\n{string.Join('\n', host.Lines.TakeLast(40))}");
                Assert.True(DateTime.UtcNow < deadline, $"the deliveries never finished: {state}");
            }

            // Let anything still in flight land, so a late duplicate would be seen.
            await Task.Delay(3000);
            var received = receiver.Deliveries;
            Assert.All(received, r => Assert.True(r.SignatureValid, $"{r.WebhookId}: {r.Problem}"));
            var ids = received.Select(r => r.WebhookId!).ToHashSet(StringComparer.Ordinal);
            Assert.True(ids.SetEquals(expectedHooks), $"{expectedHooks.Except(ids).Count()} (subscription, event) pairs never arrived, {ids.Except(expectedHooks).Count()} unexpected");

            // A kill between a post and its record repeats that post under the same webhook-id, which a Standard Webhooks receiver
            // drops; only posts in flight at a kill can repeat (the listener's batch times the dispatcher's concurrency).
            var repeats = receiver.Duplicates().Sum(d => d.Value - 1);
            output.WriteLine($"{received.Count} webhook posts for {ids.Count} ids ({repeats} repeats of an id after kills)");
            Assert.InRange(repeats, 0, Kills * 24 * 16);

            var mails = acs.Mailbox;
            Assert.Equal(expectedMails, mails.Count);
            Assert.Equal(expectedMails, mails.Select(m => m.OperationId).Distinct(StringComparer.Ordinal).Count());
            Assert.All(subscriptions.Skip(WebhookSubscriptions), s =>
                Assert.Equal(Events, mails.Count(m => m.To.Any(t => string.Equals(t.Address, s.Recipient, StringComparison.OrdinalIgnoreCase)))));

            // The records follow the sends: a dispatch killed after its sends records them when its message comes back.
            var recorded = DateTime.UtcNow.AddMinutes(3);
            foreach (var (id, _) in subscriptions)
            {
                foreach (var status in new[] { "pending", "failed" })
                {
                    while (true)
                    {
                        var page = await http.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}/deliveries?status={status}&pageSize=5");
                        if (page.GetProperty("items").GetArrayLength() == 0)
                        {
                            break;
                        }

                        Assert.True(status == "pending" && DateTime.UtcNow < recorded, $"subscription {id} has {status} deliveries: {page}");
                        await Task.Delay(1000);
                    }
                }
            }

            // Nothing new after the records: still one mail per operation and no webhook-id beyond the expected ones.
            Assert.Equal(expectedMails, acs.Mailbox.Count);
            Assert.True(receiver.Deliveries.Select(r => r.WebhookId!).ToHashSet(StringComparer.Ordinal).SetEquals(expectedHooks));
            Assert.InRange(receiver.Duplicates().Sum(d => d.Value - 1), 0, Kills * 24 * 16);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static int DistinctHooks(LocalWebhookReceiver receiver) =>
        receiver.Deliveries.Select(r => r.WebhookId).Distinct(StringComparer.Ordinal).Count();

    private static async Task<LocalHostProcess> StartHostAsync(Dictionary<string, string> environment, HttpClient http)
    {
        var host = LocalHostProcess.Start(environment);
        await host.WaitHealthyAsync(http, TimeSpan.FromSeconds(60));
        return host;
    }
}
