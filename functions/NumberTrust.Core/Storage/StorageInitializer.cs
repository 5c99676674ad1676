using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Storage;

/// <summary>Names of every queue the app uses; tables and queues are created from these and <see cref="TableNames.All"/>.</summary>
public sealed record QueueRegistration(string LogicalName);

/// <summary>
/// Whether storage initialisation has finished: hosted services that touch storage wait for it, so none races the creation of the
/// tables and queues (request handlers need not wait: a missing table or queue is created on first use).
/// </summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}

/// <summary>
/// Creates the app's tables and queues in the background once a host starts, retrying with back-off for as long as storage refuses
/// (an emulator still starting, a managed identity whose role has not propagated): start-up never fails on storage; health and the
/// log say what is wrong meanwhile.
/// </summary>
public sealed partial class StorageInitializer(
    StorageAccount storage, IEnumerable<QueueRegistration> queues, StorageReadiness readiness, TimeProvider time, ILogger<StorageInitializer> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var names = queues.Select(q => q.LogicalName).Distinct(StringComparer.Ordinal).ToList();
        var delay = FirstDelay;
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                foreach (var table in TableNames.All)
                {
                    await storage.Tables.CreateTableIfNotExistsAsync(storage.Prefix + table, stoppingToken);
                }

                foreach (var queue in names.SelectMany(q => new[] { q, q + Hosting.QueueNames.PoisonSuffix }))
                {
                    await storage.Queues.GetQueueClient(storage.QueueName(queue)).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                }

                foreach (var container in ContainerNames.All)
                {
                    await storage.Blobs.GetBlobContainerClient(storage.ContainerName(container)).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                }

                readiness.MarkReady();
                Log.StorageReady(logger, TableNames.All.Count, names.Count * 2, attempt);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.StorageNotReady(logger, attempt, delay, e.GetType().Name, e.Message.Split('\n')[0]);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Storage ready: {TableCount} tables, {QueueCount} queues (attempt {Attempt})")]
        public static partial void StorageReady(ILogger logger, int tableCount, int queueCount, int attempt);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Storage not usable yet (attempt {Attempt}, next in {Delay}): {ErrorType}: {Reason}")]
        public static partial void StorageNotReady(ILogger logger, int attempt, TimeSpan delay, string errorType, string reason);
    }
}
