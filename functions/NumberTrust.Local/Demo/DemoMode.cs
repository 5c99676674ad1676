using Azure.Data.Tables;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;
using NumberTrust.Simulator;
using NumberTrust.Simulator.Acs;
using NumberTrust.Simulator.Remediation;
using NumberTrust.Simulator.Webhooks;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Local.Demo;

/// <summary>
/// Demo mode (<c>Local:Demo=true</c>, on in the README's run command): the platform simulator serves every built-in platform on
/// loopback with <see cref="DemoScript"/>'s numbers, the adapters point at it, and a <c>demo</c> tenant watches those numbers.
/// Scans run at start and every 20 seconds for the first minutes, so labels appear (and some change) within a minute, and
/// <see cref="DemoAppealStory"/> takes one appeal from draft to a verified removal and a relabel.
/// </summary>
public static class DemoMode
{
    public const string Setting = "Local:Demo";

    public static async Task AddDemoAsync(this WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        if (!builder.Configuration.GetValue(Setting, false))
        {
            return;
        }

        var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions { BasePort = builder.Configuration.GetValue("Local:DemoBasePort", 0) }, cancellationToken);
        DemoScript.Apply(simulator);
        builder.Configuration.AddInMemoryCollection(simulator.AdapterConfiguration());
        builder.Services.AddSingleton(simulator);

        // Alerts go to the fake ACS endpoint and a local webhook receiver; both print what arrives (DemoOutbox).
        var outbox = new DemoOutbox();
        var acs = await AcsEmailSimulator.StartAsync(new AcsEmailSimulatorOptions { Port = builder.Configuration.GetValue("Local:DemoAcsPort", 0), OnMail = outbox.Mail }, cancellationToken);
        var receiver = await LocalWebhookReceiver.StartAsync(new LocalWebhookReceiverOptions { OnDelivery = outbox.Webhook }, cancellationToken);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Email:ConnectionString"] = acs.ConnectionString,
            ["Email:SenderAddress"] = DemoSeeder.Sender,
            // The demo appeal is verified within a minute: clean lookups 30 s apart, scans every 20 s not answered from a shared one.
            ["Appeals:VerificationGap"] = "00:00:30",
            ["Lookups:SharedFreshness"] = "00:00:10",
        });
        // Telnyx appeals go to a simulated remediation API (202, pending, then accepted), so the Api channel runs end to end.
        var remediation = await RemediationApiSimulator.StartAsync(new RemediationApiSimulatorOptions(), cancellationToken);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Appeals:Routes:telnyx:ApiUrl"] = remediation.SubmitUrl.ToString(),
            ["Appeals:Routes:telnyx:ApiAuthHeaderName"] = remediation.ApiKeyHeader,
            ["Appeals:Routes:telnyx:ApiSecretSetting"] = "Local:DemoRemediationKey",
            ["Local:DemoRemediationKey"] = remediation.ApiKey,
            ["Appeals:Channels:PollInterval"] = "00:00:05",
        });
        builder.Services.AddSingleton(remediation);
        builder.Services.AddSingleton(outbox);
        builder.Services.AddSingleton(acs);
        builder.Services.AddSingleton(receiver);
        builder.Services.AddSingleton<DemoAppealStory>();
        builder.Services.AddHostedService<DemoSeeder>();
    }
}

/// <summary>Creates the demo tenant, a key for it, registers the demo numbers and keeps scanning them for a few minutes.</summary>
public sealed partial class DemoSeeder(
    StorageReadiness readiness, TenantStore tenants, NumberStore numbers, ScanRunService scans, PlatformSimulator simulator, SubscriptionStore subscriptions,
    AcsEmailSimulator acs, LocalWebhookReceiver receiver, DemoOutbox outbox, DemoAppealStory appeal, TimeProvider time, ILogger<DemoSeeder> logger)
    : BackgroundService
{
    public const string TenantId = "demo";
    public const string SubscriptionName = "Demo alerts";
    public const string Recipient = "alerts@demo.numbertrust.test";
    public const string Sender = "DoNotReply@demo.numbertrust.test";
    public const string WebhookPath = "/demo";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(4);
    private string _apiKey = "";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Storage first (the seeder used to race table creation); then keep trying, since a failed seed must not stop the host.
            outbox.Logger = logger;
            await readiness.WaitAsync(stoppingToken);
            while (!await TryAsync(() => SeedAsync(stoppingToken), stoppingToken))
            {
                await Task.Delay(RetryDelay, time, stoppingToken);
            }

            var until = time.GetUtcNow() + Duration;
            var story = TryAsync(() => appeal.RunAsync(_apiKey, Duration, stoppingToken), stoppingToken);
            while (time.GetUtcNow() < until)
            {
                await TryAsync(
                    async () =>
                    {
                        var run = await scans.StartTenantScanAsync(TenantId, stoppingToken);
                        Log.Scanning(logger, run.PartitionKey);
                    },
                    stoppingToken);
                await Task.Delay(Interval, time, stoppingToken);
            }

            await story;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryAsync(Func<Task> step, CancellationToken stoppingToken)
    {
        try
        {
            await step();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Log.StepFailed(logger, e.GetType().Name, e.Message.Split('\n')[0]);
            return false;
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await tenants.PutAsync(TenantId, "Demo company", "CN", cancellationToken);
        var (_, key) = await tenants.CreateKeyAsync(TenantId, "demo", cancellationToken);
        _apiKey = key;

        foreach (var demo in DemoScript.Numbers)
        {
            var parsed = NumberParser.Parse(demo.E164, demo.Region);
            var input = new RegistrationInput(demo.DisplayName, "Demo", ["demo"], MonitoringCadence.Auto, []);
            await numbers.SaveAsync(TenantId, parsed.Number!, input, null, false, cancellationToken);
        }

        Log.Ready(logger, TenantId, key, DemoScript.Numbers.Count, simulator.ControlUrl);
        await SubscribeAsync(cancellationToken);
    }

    /// <summary>One subscription for every event, by mail and webhook; kept across restarts (Azurite keeps data) rather than added again.</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var url = receiver.UrlFor(WebhookPath).ToString();
        var input = new SubscriptionInput(SubscriptionName, ["*"], null, null, null, null, [Recipient], [url]);
        var existing = (await subscriptions.AllAsync(TenantId, cancellationToken)).FirstOrDefault(s => s.Name == SubscriptionName);
        var subscription = existing is null
            ? (await subscriptions.CreateAsync(TenantId, input, cancellationToken)).Entity
            : (await subscriptions.ReplaceAsync(TenantId, existing.RowKey, input, null, cancellationToken)).Entity!;
        receiver.AddEndpoint(WebhookPath, subscriptions.SigningSecrets(subscription).Select(s => s.Value).ToArray());
        Log.Subscribed(logger, subscription.RowKey, Recipient, url, new Uri(acs.Endpoint, "/_acs/mailbox"), new Uri(receiver.BaseUrl, "/_hooks/deliveries"));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Demo mode: tenant '{TenantId}' watches {Count} scripted numbers. API key for this run: {ApiKey}  (try: curl -H 'x-api-key: {ApiKey}' http://127.0.0.1:7071/api/numbers). Simulator control: {ControlUrl}")]
        public static partial void Ready(ILogger logger, string tenantId, string apiKey, int count, Uri controlUrl);

        [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Demo mode: scan run {RunId} started for the demo tenant")]
        public static partial void Scanning(ILogger logger, string runId);

        [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Demo mode: subscription {SubscriptionId} sends every event to {Recipient} and {WebhookUrl}. Mailbox: GET {MailboxUrl}  Webhooks received: GET {WebhooksUrl}")]
        public static partial void Subscribed(ILogger logger, string subscriptionId, string recipient, string webhookUrl, Uri mailboxUrl, Uri webhooksUrl);

        [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Demo mode: a step failed and is retried ({ErrorType}: {Reason})")]
        public static partial void StepFailed(ILogger logger, string errorType, string reason);
    }
}
