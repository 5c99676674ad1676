using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

/// <summary>A simulator on random loopback ports and a service provider whose adapters point at it by configuration only.</summary>
public sealed class PlatformHarness : IAsyncDisposable
{
    public static readonly CanonicalNumber CnMobile = new("+8613800138000", 86, "13800138000", "CN", NumberType.Mobile);
    public static readonly CanonicalNumber CnLandline = new("+861065529988", 86, "1065529988", "CN", NumberType.FixedLine) { NationalDialString = "01065529988" };
    public static readonly CanonicalNumber UsNumber = new("+12125550100", 1, "2125550100", "US", NumberType.FixedLineOrMobile);
    public static readonly CanonicalNumber GbNumber = new("+442071838750", 44, "2071838750", "GB", NumberType.FixedLine);

    public const string VendorFlat = "vendor-flat";
    public const string VendorApps = "vendor-apps";

    private PlatformHarness(PlatformSimulator simulator, ServiceProvider services, TestLoggerProvider logs)
    {
        Simulator = simulator;
        Services = services;
        Logs = logs;
        Registry = services.GetRequiredService<IPlatformAdapterRegistry>();
    }

    public PlatformSimulator Simulator { get; }

    public ServiceProvider Services { get; }

    public IPlatformAdapterRegistry Registry { get; }

    public TestLoggerProvider Logs { get; }

    /// <summary>Every platform id the harness enables: the built-ins and two fake JSON vendors.</summary>
    public static readonly IReadOnlyList<string> AllPlatforms = [.. SimulatedPlatforms.BuiltIn, VendorFlat, VendorApps];

    public static CanonicalNumber NumberFor(string platform) =>
        platform is SimulatedPlatforms.Telnyx or SimulatedPlatforms.Nomorobo ? UsNumber : CnMobile;

    /// <summary>
    /// Starts a simulator and the adapters. Tests get timeouts far beyond any answer's work (so a loaded machine never turns a
    /// fault into a Timeout; a test of hanging sets its own short ones), one quick retry, high pacing limits, and a breaker that
    /// only trips when a test lowers <c>BreakerMinimumThroughput</c>.
    /// </summary>
    public static async Task<PlatformHarness> StartAsync(
        Action<Dictionary<string, string?>>? configure = null, TimeProvider? adapterTime = null, TimeProvider? simulatorTime = null,
        Action<IServiceCollection>? services = null)
    {
        var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions
        {
            Vendors = [new VendorOptions(VendorFlat, VendorShape.Flat, "flat-key-123"), new VendorOptions(VendorApps, VendorShape.PerApp, "apps-key-456")],
            TimeProvider = simulatorTime ?? TimeProvider.System,
            MaxHang = TimeSpan.FromSeconds(20),
        }, CancellationToken.None);

        var settings = new Dictionary<string, string?>(simulator.AdapterConfiguration(), StringComparer.OrdinalIgnoreCase);
        foreach (var id in AllPlatforms)
        {
            settings[$"Platforms:{id}:Timeout"] = "00:00:30";
            settings[$"Platforms:{id}:AttemptTimeout"] = "00:00:10";
            settings[$"Platforms:{id}:MaxRetries"] = "1";
            settings[$"Platforms:{id}:RetryDelay"] = "00:00:00.010";
            settings[$"Platforms:{id}:RequestsPerSecond"] = "1000";
            settings[$"Platforms:{id}:MaxConcurrency"] = "16";
            settings[$"Platforms:{id}:BreakerMinimumThroughput"] = "1000";
        }

        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        var logs = new TestLoggerProvider();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        if (adapterTime is not null)
        {
            collection.AddSingleton(adapterTime);
        }

        collection.AddPlatforms(configuration);
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new PlatformHarness(simulator, provider, logs);
    }

    public Task<LookupResult> LookupAsync(string platform, CanonicalNumber? number = null, CancellationToken cancellationToken = default) =>
        Registry.LookupAsync(platform, number ?? NumberFor(platform), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Collects log entries so tests can assert on them.</summary>
public sealed class TestLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
