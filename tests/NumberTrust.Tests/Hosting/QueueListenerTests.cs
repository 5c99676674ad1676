using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NumberTrust.Hosting;
using NumberTrust.Local.Queues;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

public sealed class QueueListenerTests
{
    private static readonly QueueHostOptions Options = new()
    {
        BatchSize = 8,
        NewBatchThreshold = 4,
        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
        VisibilityTimeout = TimeSpan.Zero,
        MaxDequeueCount = 3,
        ProcessingLease = TimeSpan.FromSeconds(30),
    };

    private static async Task<StorageAccount> StorageAsync(string queue)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.ConnectionStringAsync(),
            ["Storage:Prefix"] = Azurite.NewPrefix(),
        }).Build();
        var storage = new StorageAccount(configuration, []);
        await storage.Queue(queue).CreateIfNotExistsAsync();
        await storage.Queue(queue + QueueNames.PoisonSuffix).CreateIfNotExistsAsync();
        return storage;
    }

    private static QueueListener Listener(StorageAccount storage, QueueFunction function, QueueHostOptions? options = null) =>
        new(function, storage, Ready.Storage(), options ?? Options, new ServiceCollection().BuildServiceProvider(), TimeProvider.System, NullLogger<QueueListener>.Instance);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }

    private static async Task<int> CountAsync(StorageAccount storage, string queue) =>
        (await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task Messages_sent_base64_are_decoded_handled_and_deleted()
    {
        var storage = await StorageAsync("work");
        var seen = new ConcurrentBag<string>();
        var listener = Listener(storage, new QueueFunction("Work", "work", (_, message, _) =>
        {
            seen.Add(message.Body.ToString());
            return Task.CompletedTask;
        }));
        for (var i = 0; i < 40; i++)
        {
            await storage.Queue("work").SendMessageAsync($"{{\"n\":{i}}}");
        }

        await listener.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(seen.Count == 40), "all 40 messages are handled");
        await WaitUntilAsync(async () => await CountAsync(storage, "work") == 0, "the queue is empty");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"{{\"n\":{i}}}").Order(), seen.Order());
    }

    [Fact]
    public async Task A_failing_message_is_retried_until_max_dequeue_count_then_moved_to_poison_unchanged()
    {
        var storage = await StorageAsync("flaky");
        var attempts = new ConcurrentBag<long>();
        var listener = Listener(storage, new QueueFunction("Flaky", "flaky", (_, message, _) =>
        {
            attempts.Add(message.DequeueCount);
            throw new InvalidOperationException("boom");
        }));
        await storage.Queue("flaky").SendMessageAsync("payload");

        await listener.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await CountAsync(storage, "flaky-poison") == 1, "the message is poisoned");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal([1L, 2L, 3L], attempts.Order());
        var poisoned = (await storage.Queue("flaky-poison").ReceiveMessageAsync()).Value;
        Assert.Equal("payload", poisoned.Body.ToString());
        Assert.Equal(0, await CountAsync(storage, "flaky"));
    }

    [Fact]
    public async Task An_invocation_past_function_timeout_is_cancelled_and_counts_as_a_failed_attempt()
    {
        var storage = await StorageAsync("slow");
        var attempts = new ConcurrentBag<long>();
        var cancelled = 0;
        var listener = Listener(storage, new QueueFunction("Slow", "slow", async (_, message, token) =>
        {
            attempts.Add(message.DequeueCount);
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
        }), Options with { FunctionTimeout = TimeSpan.FromMilliseconds(300), MaxDequeueCount = 2 });
        await storage.Queue("slow").SendMessageAsync("payload");

        await listener.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await CountAsync(storage, "slow-poison") == 1, "the timed-out message is poisoned");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal([1L, 2L], attempts.Order());
        Assert.Equal(2, cancelled);
        Assert.Equal(0, await CountAsync(storage, "slow"));
    }

    [Fact]
    public async Task A_message_that_is_not_base64_goes_to_poison_at_once()
    {
        var storage = await StorageAsync("raw");
        var calls = 0;
        var listener = Listener(storage, new QueueFunction("Raw", "raw", (_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        }));
        await storage.RawQueue("raw").SendMessageAsync("this is *not* base64!");

        await listener.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await CountAsync(storage, "raw-poison") == 1, "the message is poisoned");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(0, calls);
        var poisoned = (await storage.RawQueue("raw-poison").ReceiveMessageAsync()).Value;
        Assert.Equal("this is *not* base64!", poisoned.Body.ToString());
    }

    [Fact]
    public async Task Stopping_lets_in_flight_messages_finish_and_fetches_no_more()
    {
        var storage = await StorageAsync("drain");
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var handled = 0;
        var listener = Listener(storage, new QueueFunction("Drain", "drain", async (_, _, _) =>
        {
            started.TrySetResult();
            await release.Task;
            Interlocked.Increment(ref handled);
        }), Options with { BatchSize = 1, NewBatchThreshold = 0 });
        await storage.Queue("drain").SendMessageAsync("first");
        await storage.Queue("drain").SendMessageAsync("second");

        await listener.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = listener.StopAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(stopping.IsCompleted, "Stop must wait for the in-flight message.");
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, handled);
        var left = (await storage.Queue("drain").ReceiveMessagesAsync(10)).Value;
        Assert.Equal("second", Assert.Single(left).Body.ToString());
    }

    [Fact]
    public void Host_json_queue_settings_are_read_with_function_defaults()
    {
        var path = Path.Combine(RepoPaths.Root, "host.json");

        var options = QueueHostOptions.FromHostJson(path);

        Assert.Equal(16, options.BatchSize);
        Assert.Equal(8, options.NewBatchThreshold);
        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal("base64", options.MessageEncoding);
        Assert.Equal(TimeSpan.FromSeconds(15), options.MaxPollingInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.FunctionTimeout);

        var missing = QueueHostOptions.FromHostJson(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json"));
        Assert.Equal(16, missing.BatchSize);
        Assert.Equal(TimeSpan.FromMinutes(1), missing.MaxPollingInterval);
    }

    [Theory]
    [InlineData("""{"extensions":{"queues":{"batchSize":64}}}""", "batchSize")]
    [InlineData("""{"extensions":{"queues":{"messageEncoding":"utf8"}}}""", "messageEncoding")]
    public void Invalid_host_json_queue_settings_stop_start_up(string json, string setting)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        File.WriteAllText(path, json);
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => QueueHostOptions.FromHostJson(path));
            Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
