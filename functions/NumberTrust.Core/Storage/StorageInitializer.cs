using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Storage;

/// <summary>Names of every queue the app uses; hosts register theirs so tables and queues are created once at start-up.</summary>
public sealed record QueueRegistration(string LogicalName);

/// <summary>Creates the app's tables and queues once when a host starts, never per call.</summary>
public sealed partial class StorageInitializer(StorageAccount storage, IEnumerable<QueueRegistration> queues, ILogger<StorageInitializer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var table in TableNames.All)
        {
            await CreateAsync(() => storage.Table(table).CreateIfNotExistsAsync(cancellationToken), cancellationToken);
        }

        foreach (var queue in queues.Select(q => q.LogicalName).Distinct(StringComparer.Ordinal))
        {
            await CreateAsync(() => storage.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken), cancellationToken);
            await CreateAsync(
                () => storage.Queue(queue + Hosting.QueueNames.PoisonSuffix).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                cancellationToken);
        }

        Log.StorageReady(logger, TableNames.All.Count, queues.Count());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateAsync(Func<Task> create, CancellationToken cancellationToken)
    {
        // A storage emulator that is still starting answers with connection errors for a moment; give it a few seconds.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await create();
                return;
            }
            catch (RequestFailedException e) when (e.Status == 0 && attempt < 10)
            {
                Log.StorageNotReady(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(300 * attempt), cancellationToken);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Storage ready: {TableCount} tables, {QueueCount} queues")]
        public static partial void StorageReady(ILogger logger, int tableCount, int queueCount);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Storage not reachable yet (attempt {Attempt}): {Reason}")]
        public static partial void StorageNotReady(ILogger logger, int attempt, string reason);
    }
}
