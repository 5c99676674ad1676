using NumberTrust.Storage;

namespace NumberTrust.Local.Azurite;

/// <summary>
/// When storage is <c>UseDevelopmentStorage=true</c> and nothing listens on Azurite's default ports, starts the repo's pinned
/// Azurite with its data in <c>.azurite/</c> at the repo root, and stops it with the host. Off with <c>Local:StartAzurite=false</c>.
/// </summary>
public sealed partial class AzuriteBootstrap(IConfiguration configuration, IHostEnvironment environment, ILogger<AzuriteBootstrap> logger)
    : IHostedService, IAsyncDisposable
{
    private AzuriteProcess? _azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = configuration[StorageAccount.ConnectionSetting];
        if (!string.Equals(connection?.Trim(), "UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase) ||
            !configuration.GetValue("Local:StartAzurite", true))
        {
            return;
        }

        if (AzuriteProcess.IsListening(10000) && AzuriteProcess.IsListening(10001) && AzuriteProcess.IsListening(10002))
        {
            Log.AlreadyRunning(logger);
            return;
        }

        var root = AzuriteProcess.FindRepoRoot(environment.ContentRootPath) ?? AzuriteProcess.FindRepoRoot(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Azurite is not running on 127.0.0.1:10000-10002 and the repo (with node_modules) was not found to start it. Start Azurite yourself or set AzureWebJobsStorage.");
        var location = Path.Combine(root, ".azurite");
        _azurite = await AzuriteProcess.StartAsync(root, location, (10000, 10001, 10002), cancellationToken);
        Log.Started(logger, location);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
            _azurite = null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Azurite already listens on 127.0.0.1:10000-10002; using it")]
        public static partial void AlreadyRunning(ILogger logger);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Started Azurite on 127.0.0.1:10000-10002 with data in {Location}")]
        public static partial void Started(ILogger logger, string location);
    }
}
