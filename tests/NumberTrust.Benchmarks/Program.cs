using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NumberTrust.Hosting;
using NumberTrust.Local;
using NumberTrust.Local.Azurite;
using NumberTrust.Numbers;
using NumberTrust.Scanning;
using NumberTrust.Simulator;
using NumberTrust.Storage;

// NumberTrust end-to-end benchmarks against Azurite and the platform simulator on this machine.
// Usage: dotnet run -c Release --project tests/NumberTrust.Benchmarks -- [--jobs N] [--fanout-numbers N] [--memory-jobs N] [--status-requests N]
var options = BenchOptions.Parse(args);
var root = AzuriteProcess.FindRepoRoot(AppContext.BaseDirectory) ?? AzuriteProcess.FindRepoRoot(Directory.GetCurrentDirectory())
    ?? throw new InvalidOperationException("Run from the repository (NumberTrust.Functions.sln not found).");
await using var azurite = await AzuriteProcess.StartAsync(root, location: null, ports: null, CancellationToken.None);
await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
Console.WriteLine($"azurite ports blob {azurite.BlobPort}, queue {azurite.QueuePort}, table {azurite.TablePort}; simulator {simulator.BaseUrlFor(SimulatedPlatforms.Qihoo360)}");
var report = new List<string>
{
    $"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
    $"command: dotnet run -c Release --project tests/NumberTrust.Benchmarks -- {string.Join(' ', args)}",
};

try
{
    await Benchmarks.PipelineAsync(azurite, simulator, options, report);
    await Benchmarks.FanOutAsync(azurite, simulator, options, report);
    await Benchmarks.StatusAsync(azurite, simulator, options, report);
    await Benchmarks.MemoryAsync(root, azurite, simulator, options, report);
}
catch
{
    Console.Error.WriteLine("Azurite output:\n" + azurite.Output[^Math.Min(4000, azurite.Output.Length)..]);
    throw;
}

Console.WriteLine();
Console.WriteLine("## Results");
foreach (var line in report)
{
    Console.WriteLine("- " + line);
}

internal sealed record BenchOptions(int Jobs, int FanOutNumbers, int MemoryJobs, int StatusRequests)
{
    public static BenchOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchOptions(Get("--jobs", 3000), Get("--fanout-numbers", 10_000), Get("--memory-jobs", 10_000), Get("--status-requests", 3000));
    }
}

/// <summary>Counts every storage request (one request = one billable storage transaction; a batch counts once).</summary>
internal sealed class CountingPolicy : HttpPipelineSynchronousPolicy
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}

internal static class Benchmarks
{
    private const string Platform = SimulatedPlatforms.Qihoo360;
    private const string AdminKey = "benchmark-admin-key-0123456789";

    /// <summary>A local host in this process, with its queue listeners and the adapters pointed at the simulator.</summary>
    private static async Task<(WebApplication App, CountingPolicy Counter, string Prefix, HttpClient Client)> StartHostAsync(
        AzuriteProcess azurite, PlatformSimulator simulator, bool workers)
    {
        var prefix = "b" + Guid.NewGuid().ToString("N")[..10];
        var port = AzuriteProcess.FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("NumberTrust", LogLevel.Warning);
        var settings = simulator.AdapterConfiguration().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var id in SimulatedPlatforms.BuiltIn)
        {
            settings[$"Platforms:{id}:RequestsPerSecond"] = "10000";
            settings[$"Platforms:{id}:MaxConcurrency"] = "64";
            settings[$"Platforms:{id}:MaxQueuedLookups"] = "100000";
        }

        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["Storage:Prefix"] = prefix;
        settings["Local:StartAzurite"] = "false";
        settings["Auth:AdminKey"] = AdminKey;
        settings["ScanPlannerSchedule"] = "0 0 0 1 1 *";
        settings["Queues:VisibilityTimeout"] = "00:00:00.200";
        settings["Queues:MaxPollingInterval"] = workers ? "00:00:00.100" : "01:00:00";
        settings["Urls"] = $"http://127.0.0.1:{port}";
        builder.Configuration.AddInMemoryCollection(settings);
        var counter = new CountingPolicy();
        builder.Services.AddSingleton(new StoragePipelinePolicy(counter));
        builder.AddNumberTrustLocalHost();
        var app = builder.Build();
        app.UseNumberTrustLocalHost();
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30) };
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, AdminKey);
        await client.PutAsJsonAsync("/api/admin/tenants/bench", new { name = "Benchmark" });
        var key = (await (await client.PostAsJsonAsync("/api/admin/tenants/bench/keys", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        client.DefaultRequestHeaders.Remove(ApiHeaders.ApiKey);
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, key);
        return (app, counter, prefix, client);
    }

    private static string NumberAt(int block, int i) => $"+86{130 + block}{i:D8}";

    private static async Task ImportAsync(HttpClient client, IEnumerable<string> numbers, string platforms)
    {
        foreach (var chunk in numbers.Chunk(10_000))
        {
            var csv = "number,platforms\n" + string.Join("\n", chunk.Select(n => $"{n},{platforms}"));
            var response = await client.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
            response.EnsureSuccessStatusCode();
        }
    }

    private static async Task EnqueueJobsAsync(QueueClient lookups, IReadOnlyList<string> numbers, string pass)
    {
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (number, ct) =>
        {
            var job = new LookupJobMessage(LookupJobMessage.CurrentVersion, $"{pass}-{number}", number, "CN", nameof(NumberType.Mobile), Platform, DateTimeOffset.UtcNow, null, 0);
            await lookups.SendMessageAsync(ScanMessageJson.Serialize(job), cancellationToken: ct);
        });
    }

    /// <summary>Waits until the simulator has answered <paramref name="expected"/> lookups and the storage traffic has settled.</summary>
    private static async Task WaitForAsync(PlatformSimulator simulator, long expected, CountingPolicy counter, QueueClient queue)
    {
        var waited = Stopwatch.StartNew();
        while (simulator.RequestCount(Platform) < expected)
        {
            await Task.Delay(20);
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"waiting: {simulator.RequestCount(Platform)} of {expected} lookups answered, {(await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount} queued");
                waited.Restart();
            }
        }

        long last;
        do
        {
            last = counter.Count;
            await Task.Delay(250);
        }
        while (counter.Count != last || (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
    }

    /// <summary>Benchmarks 1 and 2: lookup throughput next to a bare loop, and storage transactions per lookup.</summary>
    public static async Task PipelineAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        Console.WriteLine("benchmarks 1-2: pipeline");
        var (app, counter, prefix, client) = await StartHostAsync(azurite, simulator, workers: true);
        Console.WriteLine("host started");
        var storage = app.Services.GetRequiredService<StorageAccount>();
        var numbers = Enumerable.Range(0, options.Jobs).Select(i => NumberAt(0, i)).ToList();
        for (var i = 0; i < numbers.Count; i += 2)
        {
            simulator.Script(Platform, numbers[i], NumberScript.Labeled("骚扰电话", i));
        }

        await ImportAsync(client, numbers, Platform);
        Console.WriteLine("numbers registered");
        var lookups = storage.Queue(QueueNames.Lookups);
        var baseRequests = simulator.RequestCount(Platform);

        // Pass 1: every result is new (first observation: history row, and for half the numbers a NewLabel event).
        var before = counter.Count;
        var clock = Stopwatch.StartNew();
        await EnqueueJobsAsync(lookups, numbers, "p1");
        var enqueueOps = options.Jobs;
        await WaitForAsync(simulator, baseRequests + options.Jobs, counter, lookups);
        var changedOps = (counter.Count - before - enqueueOps) / (double)options.Jobs;

        // Pass 2: nothing changes; this is the steady state the throughput target is about.
        await EnqueueJobsAsync(lookups, numbers, "p2");
        before = counter.Count;
        clock.Restart();
        await WaitForAsync(simulator, baseRequests + (2L * options.Jobs), counter, lookups);
        var pipelineSeconds = clock.Elapsed.TotalSeconds - 0.25; // the settle wait
        var unchangedOps = (counter.Count - before) / (double)options.Jobs;
        var pipelineRate = options.Jobs / pipelineSeconds;

        // Bare loop: the same queue receive and delete, the same simulator request and one table write per job, at the same concurrency.
        var queueOptions = app.Services.GetRequiredService<NumberTrust.Local.Queues.QueueHostOptions>();
        var bareQueue = storage.Queue("bare");
        await bareQueue.CreateIfNotExistsAsync();
        var bareTable = storage.Table("Bare");
        await bareTable.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, ct) => await bareQueue.SendMessageAsync(n, cancellationToken: ct));
        using var http = new HttpClient { BaseAddress = simulator.BaseUrlFor(Platform) };
        clock.Restart();
        var inFlight = new SemaphoreSlim(queueOptions.BatchSize + queueOptions.NewBatchThreshold);
        var done = 0;
        var tasks = new ConcurrentBag<Task>();
        while (Volatile.Read(ref done) < options.Jobs)
        {
            var batch = (await bareQueue.ReceiveMessagesAsync(queueOptions.BatchSize, TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0)
            {
                await Task.Delay(20);
                continue;
            }

            foreach (var message in batch)
            {
                await inFlight.WaitAsync();
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        var number = message.Body.ToString();
                        _ = await http.GetStringAsync("/s?q=" + Uri.EscapeDataString(number));
                        await bareTable.UpsertEntityAsync(new TableEntity(number, "state") { ["CheckedAt"] = DateTimeOffset.UtcNow });
                        await bareQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                        Interlocked.Increment(ref done);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }));
            }
        }

        await Task.WhenAll(tasks);
        var bareRate = options.Jobs / clock.Elapsed.TotalSeconds;
        report.Add($"1. pipeline throughput ({options.Jobs} unchanged lookups, batchSize {queueOptions.BatchSize}, up to {queueOptions.BatchSize + queueOptions.NewBatchThreshold} in flight): pipeline {pipelineRate:0.0} jobs/s, bare loop {bareRate:0.0} jobs/s, ratio {pipelineRate / bareRate:0.00} (target >= 0.7)");
        report.Add($"2. storage transactions per lookup: unchanged {unchangedOps:0.00}, changed {changedOps:0.00} (enqueue excluded; receive amortised over batches; target <= 3 unchanged)");
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Benchmark 3: one planner tick over N numbers x 6 platforms, next to a raw enqueue loop.</summary>
    public static async Task FanOutAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        var (app, counter, _, client) = await StartHostAsync(azurite, simulator, workers: false);
        var storage = app.Services.GetRequiredService<StorageAccount>();
        var numbers = Enumerable.Range(0, options.FanOutNumbers).Select(i => NumberAt(1, i)).ToList();
        var platforms = "qihoo360;baidu;baidu-haoma;sogou;tencent;nomorobo";
        var importClock = Stopwatch.StartNew();
        await ImportAsync(client, numbers, platforms);
        var importSeconds = importClock.Elapsed.TotalSeconds;
        var planner = app.Services.GetRequiredService<ScanPlanner>();
        var plans = storage.Queue(QueueNames.ScanPlans);
        var lookups = storage.Queue(QueueNames.Lookups);

        var clock = Stopwatch.StartNew();
        await planner.TickAsync(new TimerTick(DateTimeOffset.UtcNow, false, null, DateTimeOffset.UtcNow), CancellationToken.None);
        var tickSeconds = clock.Elapsed.TotalSeconds;
        var shards = (await plans.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(30))).Value;
        await Parallel.ForEachAsync(shards, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (message, ct) =>
            await planner.PlanShardAsync(new QueueMessageContext(message.MessageId, message.Body, 1, message.InsertedOn), ct));
        var planSeconds = clock.Elapsed.TotalSeconds;
        var jobs = (await lookups.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var planRate = jobs / planSeconds;

        // Raw loop: the same number of enqueues at the same concurrency (2 shard workers x 8 numbers in parallel).
        var raw = storage.Queue("raw-enqueue");
        await raw.CreateIfNotExistsAsync();
        clock.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await raw.SendMessageAsync("{\"version\":1}", cancellationToken: ct));
        var rawRate = jobs / clock.Elapsed.TotalSeconds;
        report.Add($"3. fan-out of {options.FanOutNumbers} numbers x 6 platforms: timer tick {tickSeconds * 1000:0} ms (16 shard messages), planning + enqueueing {jobs} jobs {planSeconds:0.0} s = {planRate:0} jobs/s; raw enqueue loop {rawRate:0} msg/s; ratio {planRate / rawRate:0.00} (target >= 0.8); registering the numbers took {importSeconds:0.0} s");
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Benchmark 5: status lookups under 32 concurrent clients next to a raw table point query.</summary>
    public static async Task StatusAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        var (app, _, _, client) = await StartHostAsync(azurite, simulator, workers: true);
        var storage = app.Services.GetRequiredService<StorageAccount>();
        var numbers = Enumerable.Range(0, 500).Select(i => NumberAt(2, i)).ToList();
        await ImportAsync(client, numbers, "qihoo360;baidu");
        var (statusP50, statusP99, statusRate) = await MeasureAsync(options.StatusRequests, async i =>
        {
            using var response = await client.GetAsync("/api/numbers/" + Uri.EscapeDataString(numbers[i % numbers.Count]));
            response.EnsureSuccessStatusCode();
        });
        var registrations = storage.Table(TableNames.Registrations);
        var (rawP50, rawP99, rawRate) = await MeasureAsync(options.StatusRequests, async i =>
            await registrations.GetEntityAsync<TableEntity>("bench", numbers[i % numbers.Count]));
        report.Add($"5. status lookup GET /api/numbers/{{n}} (2 platforms), 32 clients, {options.StatusRequests} requests: p50 {statusP50:0.0} ms, p99 {statusP99:0.0} ms, {statusRate:0} req/s; raw table point query: p50 {rawP50:0.0} ms, p99 {rawP99:0.0} ms, {rawRate:0} req/s");
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static async Task<(double P50, double P99, double Rate)> MeasureAsync(int requests, Func<int, Task> call)
    {
        for (var i = 0; i < 64; i++)
        {
            await call(i); // warm-up
        }

        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var start = Stopwatch.GetTimestamp();
            await call(i);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        });
        var sorted = latencies.Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], requests / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Benchmark 4: peak memory (VmHWM) of the local host as its own process over a long run of jobs.</summary>
    public static async Task MemoryAsync(string root, AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        var dll = Path.Combine(root, "artifacts", "bin", "NumberTrust.Local", "release", "NumberTrust.Local.dll");
        if (!File.Exists(dll))
        {
            report.Add($"4. peak memory: not measured ({dll} missing; build with -c Release first)");
            return;
        }

        var prefix = "m" + Guid.NewGuid().ToString("N")[..10];
        var port = AzuriteProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["Storage__Prefix"] = prefix;
        start.Environment["Local__StartAzurite"] = "false";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["ScanPlannerSchedule"] = "0 0 0 1 1 *";
        foreach (var (key, value) in simulator.AdapterConfiguration())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment[$"Platforms__{Platform}__RequestsPerSecond"] = "10000";
        start.Environment[$"Platforms__{Platform}__MaxConcurrency"] = "64";
        start.Environment[$"Platforms__{Platform}__MaxQueuedLookups"] = "100000";
        using var host = Process.Start(start)!;
        host.OutputDataReceived += (_, _) => { };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Storage:Prefix"] = prefix }).Build();
        var storage = new StorageAccount(configuration, []);
        var lookups = storage.Queue(QueueNames.Lookups);
        while (!(await lookups.ExistsAsync()).Value)
        {
            await Task.Delay(200);
        }

        var baseRequests = simulator.RequestCount(Platform);
        var clock = Stopwatch.StartNew();
        var numbers = Enumerable.Range(0, options.MemoryJobs).Select(i => NumberAt(3, i)).ToList();
        await EnqueueJobsAsync(lookups, numbers, "mem");
        long peak = 0;
        while (simulator.RequestCount(Platform) < baseRequests + options.MemoryJobs)
        {
            peak = Math.Max(peak, PeakKiB(host.Id));
            await Task.Delay(500);
        }

        await Task.Delay(1000);
        peak = Math.Max(peak, PeakKiB(host.Id));
        report.Add($"4. peak memory (VmHWM) of the local host process over {options.MemoryJobs} jobs: {peak / 1024.0:0} MiB (target < 300 MB); {options.MemoryJobs / clock.Elapsed.TotalSeconds:0} jobs/s");
        host.Kill(entireProcessTree: true);
    }

    private static long PeakKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
