using Azure.Data.Tables;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;
using NumberTrust.Simulator;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Local.Demo;

/// <summary>
/// Demo mode (<c>Local:Demo=true</c>, on in the README's run command): the platform simulator serves every built-in platform on
/// loopback with <see cref="DemoScript"/>'s numbers, the adapters point at it, and a <c>demo</c> tenant watches those numbers.
/// Scans run at start and every 20 seconds for the first minutes, so labels appear (and some change) within a minute.
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
        builder.Services.AddHostedService<DemoSeeder>();
    }
}

/// <summary>Creates the demo tenant, a key for it, registers the demo numbers and keeps scanning them for a few minutes.</summary>
public sealed partial class DemoSeeder(
    StorageReadiness readiness, TenantStore tenants, NumberStore numbers, ScanRunService scans, PlatformSimulator simulator, TimeProvider time,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const string TenantId = "demo";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Storage first (the seeder used to race table creation); then keep trying, since a failed seed must not stop the host.
            await readiness.WaitAsync(stoppingToken);
            while (!await TryAsync(() => SeedAsync(stoppingToken), stoppingToken))
            {
                await Task.Delay(RetryDelay, time, stoppingToken);
            }

            var until = time.GetUtcNow() + Duration;
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

        foreach (var demo in DemoScript.Numbers)
        {
            var parsed = NumberParser.Parse(demo.E164, demo.Region);
            var input = new RegistrationInput(demo.DisplayName, "Demo", ["demo"], MonitoringCadence.Auto, []);
            await numbers.SaveAsync(TenantId, parsed.Number!, input, null, false, cancellationToken);
        }

        Log.Ready(logger, TenantId, key, DemoScript.Numbers.Count, simulator.ControlUrl);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Demo mode: tenant '{TenantId}' watches {Count} scripted numbers. API key for this run: {ApiKey}  (try: curl -H 'x-api-key: {ApiKey}' http://127.0.0.1:7071/api/numbers). Simulator control: {ControlUrl}")]
        public static partial void Ready(ILogger logger, string tenantId, string apiKey, int count, Uri controlUrl);

        [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Demo mode: scan run {RunId} started for the demo tenant")]
        public static partial void Scanning(ILogger logger, string runId);

        [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Demo mode: a step failed and is retried ({ErrorType}: {Reason})")]
        public static partial void StepFailed(ILogger logger, string errorType, string reason);
    }
}
