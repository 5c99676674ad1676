using System.Buffers.Text;
using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Local.Queues;

/// <summary>
/// Runs one <see cref="QueueFunction"/> with the Azure Functions queue trigger's semantics: batches of <c>batchSize</c>, a new batch
/// when in-flight messages drop to <c>newBatchThreshold</c>, exponential polling back-off up to <c>maxPollingInterval</c>, base64
/// messages, failed messages made visible again after <c>visibilityTimeout</c>, and after <c>maxDequeueCount</c> attempts (or an
/// undecodable body) the message moves to <c>&lt;queue&gt;-poison</c>. On shutdown it stops fetching and lets in-flight messages finish.
/// </summary>
public sealed partial class QueueListener(
    QueueFunction function, StorageAccount storage, StorageReadiness readiness, QueueHostOptions options, IServiceProvider services,
    TimeProvider time, ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slotFreed = new(0);
    private readonly CancellationTokenSource _abort = new();

    // Raw clients: the listener decodes base64 itself so an undecodable message can go to poison as the trigger does.
    private readonly QueueClient _queue = storage.RawQueue(function.QueueName);
    private readonly QueueClient _poison = storage.RawQueue(function.QueueName + QueueNames.PoisonSuffix);

    public string QueueName => function.QueueName;

    public string FunctionName => function.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await readiness.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var delay = MinPollingInterval;
        var failureDelay = MinPollingInterval;
        Log.Listening(logger, function.Name, _queue.Name, options.BatchSize, options.MaxDequeueCount);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_inFlight.Count > options.NewBatchThreshold)
                {
                    await _slotFreed.WaitAsync(stoppingToken);
                }

                QueueMessage[] messages = (await _queue.ReceiveMessagesAsync(options.BatchSize, options.ProcessingLease, stoppingToken)).Value;
                failureDelay = MinPollingInterval;
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, time, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
                    continue;
                }

                delay = MinPollingInterval;
                foreach (var message in messages)
                {
                    // In the set before it runs, so a fast completion cannot leave a stale entry that narrows the batch window.
                    var run = new Task<Task>(() => ProcessAsync(message));
                    _inFlight[message.MessageId] = run.Unwrap();
                    run.Start(TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Storage unreachable or refusing: keep listening, backing off up to the polling maximum; never stop the host.
                Log.ReceiveFailed(logger, _queue.Name, (e as RequestFailedException)?.Status ?? 0, failureDelay, e.Message.Split('\n')[0]);
                await Task.Delay(failureDelay, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                failureDelay = TimeSpan.FromTicks(Math.Min(failureDelay.Ticks * 2, Math.Max(options.MaxPollingInterval.Ticks, TimeSpan.FromSeconds(2).Ticks)));
            }
        }
    }

    /// <summary>Stops fetching, then waits for in-flight messages; if the host's shutdown budget runs out they are cancelled.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var pending = _inFlight.Values.ToArray();
        Log.Draining(logger, function.Name, pending.Length);
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
            await Task.WhenAll(pending).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _slotFreed.Dispose();
        base.Dispose();
    }

    private async Task ProcessAsync(QueueMessage message)
    {
        await Task.Yield();
        try
        {
            await ProcessCoreAsync(message);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Storage failed while settling the message: it becomes visible again when its lease ends and is retried then.
            Log.SettleFailed(logger, _queue.Name, message.MessageId, e.Message.Split('\n')[0]);
        }
        finally
        {
            _inFlight.TryRemove(message.MessageId, out _);
            _slotFreed.Release();
        }
    }

    private async Task ProcessCoreAsync(QueueMessage message)
    {
        var token = _abort.Token;
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message, message.PopReceipt, $"dequeue count {message.DequeueCount} is over maxDequeueCount {options.MaxDequeueCount}", token);
            return;
        }

        if (!TryDecode(message.Body, out var body))
        {
            await MoveToPoisonAsync(message, message.PopReceipt, "the message is not valid base64", token);
            return;
        }

        var receipt = message.PopReceipt;
        using var lease = new CancellationTokenSource();
        var renewal = RenewAsync(message.MessageId, () => receipt, r => receipt = r, lease.Token);
        // As the Functions host does: past functionTimeout the invocation is cancelled and counts as failed.
        using var timeout = new CancellationTokenSource(options.FunctionTimeout, time);
        using var invocation = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        Exception? failure = null;
        try
        {
            await using var scope = services.CreateAsyncScope();
            await function.Handler(scope.ServiceProvider, QueueMessageContext.From(message, body), invocation.Token);
        }
        catch (Exception e) when (!(e is OperationCanceledException && token.IsCancellationRequested))
        {
            failure = e;
        }
        finally
        {
            await lease.CancelAsync();
            await renewal;
        }

        if (token.IsCancellationRequested)
        {
            // Aborted at shutdown before finishing: leave it; it reappears when its lease ends.
            return;
        }

        if (timeout.IsCancellationRequested)
        {
            failure = new TimeoutException($"{function.Name} ran past functionTimeout ({options.FunctionTimeout}) and was cancelled.", failure);
        }

        if (failure is null)
        {
            await _queue.DeleteMessageAsync(message.MessageId, receipt, CancellationToken.None);
            return;
        }

        Log.HandlerFailed(logger, failure, function.Name, message.MessageId, message.DequeueCount, options.MaxDequeueCount);
        if (message.DequeueCount >= options.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message, receipt, $"{failure.GetType().Name}: {failure.Message}", CancellationToken.None);
        }
        else
        {
            await _queue.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: CancellationToken.None);
        }
    }

    private async Task RenewAsync(string messageId, Func<string> receipt, Action<string> setReceipt, CancellationToken cancellationToken)
    {
        var interval = options.ProcessingLease / 2;
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, cancellationToken);
                var updated = await _queue.UpdateMessageAsync(messageId, receipt(), visibilityTimeout: options.ProcessingLease, cancellationToken: cancellationToken);
                setReceipt(updated.Value.PopReceipt);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException e)
        {
            Log.RenewFailed(logger, _queue.Name, messageId, e.Status);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string popReceipt, string reason, CancellationToken cancellationToken)
    {
        // The poison copy keeps the original body byte for byte, as the Functions host does.
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken);
        Log.Poisoned(logger, function.Name, message.MessageId, _poison.Name, reason);
    }

    private bool TryDecode(BinaryData raw, out BinaryData body)
    {
        if (options.MessageEncoding == "none")
        {
            body = raw;
            return true;
        }

        var bytes = raw.ToArray();
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(bytes.Length)];
        if (Base64.DecodeFromUtf8(bytes, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            body = BinaryData.Empty;
            return false;
        }

        body = new BinaryData(decoded.AsMemory(0, written));
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Queue function {Function} listening on {Queue} (batchSize {BatchSize}, maxDequeueCount {MaxDequeueCount})")]
        public static partial void Listening(ILogger logger, string function, string queue, int batchSize, int maxDequeueCount);

        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Queue function {Function} failed on message {MessageId} (attempt {DequeueCount} of {MaxDequeueCount})")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount, int maxDequeueCount);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Queue function {Function}: message {MessageId} moved to {PoisonQueue}: {Reason}")]
        public static partial void Poisoned(ILogger logger, string function, string messageId, string poisonQueue, string reason);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Receiving from {Queue} failed ({Status}); next attempt in {Delay}: {Reason}")]
        public static partial void ReceiveFailed(ILogger logger, string queue, int status, TimeSpan delay, string reason);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Settling message {MessageId} on {Queue} failed; it will be retried when its lease ends: {Reason}")]
        public static partial void SettleFailed(ILogger logger, string queue, string messageId, string reason);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Renewing the lease of message {MessageId} on {Queue} failed ({Status})")]
        public static partial void RenewFailed(ILogger logger, string queue, string messageId, int status);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Queue function {Function} draining {Count} in-flight messages")]
        public static partial void Draining(ILogger logger, string function, int count);
    }
}
