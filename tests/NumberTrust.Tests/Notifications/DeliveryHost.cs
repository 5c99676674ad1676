using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Simulator.Acs;
using NumberTrust.Simulator.Webhooks;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Notifications;

/// <summary>
/// The local host in-process with the alerts dispatcher and delivery worker on, email going to the fake ACS endpoint, a local
/// webhook receiver and a back-off of a few hundred milliseconds (3 attempts), so every failure path runs in seconds.
/// </summary>
public sealed class DeliveryHost : IAsyncDisposable
{
    public const string Sender = "DoNotReply@alerts.numbertrust.test";
    public const string PublicBaseUrl = "https://numbertrust.example.com";

    private DeliveryHost(ApiFactory api, AcsEmailSimulator acs, LocalWebhookReceiver receiver, ScriptedLabelSource source)
    {
        Api = api;
        Acs = acs;
        Receiver = receiver;
        Source = source;
    }

    public ApiFactory Api { get; }

    public AcsEmailSimulator Acs { get; }

    public LocalWebhookReceiver Receiver { get; }

    public ScriptedLabelSource Source { get; }

    /// <summary>Starts the host; a <paramref name="clock"/> is the host's TimeProvider and the fake ACS endpoint's and receiver's clock.</summary>
    public static async Task<DeliveryHost> StartAsync(IDictionary<string, string?>? extra = null, TimeProvider? clock = null)
    {
        var acs = await AcsEmailSimulator.StartAsync(
            new AcsEmailSimulatorOptions { PollRetryAfter = TimeSpan.FromMilliseconds(100), TimeProvider = clock ?? TimeProvider.System }, CancellationToken.None);
        var receiver = await LocalWebhookReceiver.StartAsync(new LocalWebhookReceiverOptions { TimeProvider = clock ?? TimeProvider.System }, CancellationToken.None);
        var source = new ScriptedLabelSource("qihoo360");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobs.DispatchAlert.Disabled"] = "false",
            ["Email:ConnectionString"] = acs.ConnectionString,
            ["Email:SenderAddress"] = Sender,
            ["Alerts:PublicBaseUrl"] = PublicBaseUrl,
            ["Alerts:MaxAttempts"] = "3",
            ["Alerts:FirstRetryDelay"] = "00:00:00.300",
            ["Alerts:BackoffMultiplier"] = "2",
            ["Alerts:MaxRetryDelay"] = "00:00:01",
            ["Alerts:EmailTimeout"] = "00:00:10",
            ["Webhooks:Timeout"] = "00:00:01",
            ["Webhooks:ConnectTimeout"] = "00:00:01",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var api = await ApiFactory.StartAsync(settings, services =>
        {
            services.AddSingleton<ILabelSource>(source);
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
        });
        return new DeliveryHost(api, acs, receiver, source);
    }

    public EventPublisher Events => Api.Services.GetRequiredService<EventPublisher>();

    /// <summary>Creates a subscription; returns its id and signing secret.</summary>
    public static async Task<(string Id, string? Secret)> SubscribeAsync(HttpClient tenant, object body)
    {
        var response = await tenant.PostAsJsonAsync("/api/subscriptions", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return (json.GetProperty("id").GetString()!, json.TryGetProperty("secret", out var secret) ? secret.GetString() : null);
    }

    /// <summary>Polls the deliveries API until <paramref name="done"/> holds for the listed items.</summary>
    public static async Task<JsonElement[]> WaitForDeliveriesAsync(
        HttpClient tenant, string subscriptionId, string status, Func<JsonElement[], bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var page = await tenant.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscriptionId}/deliveries?status={status}");
            var items = page.GetProperty("items").EnumerateArray().ToArray();
            if (done(items))
            {
                return items;
            }

            Assert.True(DateTime.UtcNow < deadline, $"deliveries of {subscriptionId} ({status}) did not reach the expected state: {page}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (for in-process counters of the fakes).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Receiver.DisposeAsync();
        await Acs.DisposeAsync();
    }
}
