using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
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
using NumberTrust.Local.Queues;
using NumberTrust.Numbers;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Simulator;
using NumberTrust.Storage;

// NumberTrust end-to-end benchmarks against Azurite and the platform simulator on this machine.
// Usage: dotnet run -c Release --project tests/NumberTrust.Benchmarks -- [--jobs N] [--fanout-numbers N] [--fanout-minutes M] [--memory-jobs N] [--status-requests N] [--azurite-costs N] [--azurite-services separate|combined]
var options = BenchOptions.Parse(args);
// This one process hosts the platform simulator, the local host and the load generators on 2 cores. With the default minimum of
// 2 pool threads, .NET's thread injection let whole passes stall for ~30 s (see docs/benchmarks.md); 64 keeps both the pipeline
// and the bare loop it is compared with free of that. The memory benchmark runs the host as its own process with defaults.
var minThreads = int.Parse(Environment.GetEnvironmentVariable("NT_BENCH_MINTHREADS") ?? "64", CultureInfo.InvariantCulture);
ThreadPool.SetMinThreads(minThreads, minThreads);
var root = AzuriteProcess.FindRepoRoot(AppContext.BaseDirectory) ?? AzuriteProcess.FindRepoRoot(Directory.GetCurrentDirectory())
    ?? throw new InvalidOperationException("Run from the repository (NumberTrust.Functions.sln not found).");
await using var simulator = await PlatformSimulator.StartAsync(new SimulatorOptions(), CancellationToken.None);
Console.WriteLine($"simulator {simulator.BaseUrlFor(SimulatedPlatforms.Qihoo360)}");

// Each benchmark gets a fresh Azurite (in memory): its cost per queue request grows with the messages it holds (every receive,
// delete and update scans them for expired ones), and clearing a queue of 100,000s of messages is quadratic in it, so a benchmark
// that leaves 600,000 jobs queued would slow whatever runs after it.
// An in-memory Azurite holding 600,000 messages (benchmark 3 at 100,000 numbers) outgrows Node's default heap limit.
if (Environment.GetEnvironmentVariable("NODE_OPTIONS") is null)
{
    Environment.SetEnvironmentVariable("NODE_OPTIONS", "--max-old-space-size=8192");
}

Task<AzuriteProcess> FreshAzuriteAsync() =>
    AzuriteProcess.StartAsync(root, location: null, ports: null, CancellationToken.None, separateServices: options.SeparateServices);
async Task RunAsync(Func<AzuriteProcess, Task> benchmark)
{
    await using var azurite = await FreshAzuriteAsync();
    try
    {
        await benchmark(azurite);
    }
    catch
    {
        Console.Error.WriteLine("Azurite output:\n" + azurite.Output[^Math.Min(4000, azurite.Output.Length)..]);
        throw;
    }
}

var report = new List<string>
{
    $"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
    $"command: dotnet run -c Release --project tests/NumberTrust.Benchmarks -- {string.Join(' ', args)}",
};
var printed = 0;
void Flush()
{
    // Results as they come, so a long run that is stopped still leaves what it measured.
    for (; printed < report.Count; printed++)
    {
        Console.WriteLine("result: " + report[printed]);
    }
}

if (options.Jobs > 0)
{
    await RunAsync(azurite => Benchmarks.PipelineAsync(azurite, simulator, options, report));
    Flush();
}

if (options.FanOutNumbers > 0)
{
    await RunAsync(azurite => Benchmarks.FanOutAsync(azurite, FreshAzuriteAsync, simulator, options, report));
    Flush();
}

if (options.MemoryJobs > 0)
{
    await RunAsync(azurite => Benchmarks.MemoryAsync(azurite, simulator, options, report));
}

if (options.AzuriteCosts > 0)
{
    await RunAsync(azurite => Benchmarks.AzuriteCostsAsync(azurite, options.AzuriteCosts, report));
    Flush();
}

Console.WriteLine();
Console.WriteLine("## Results");
foreach (var line in report)
{
    Console.WriteLine("- " + line);
}

/// <param name="FanOutMinutes">
/// 0: benchmark 3 plans the whole tick. Otherwise it stops planning after this many minutes and the raw loop sends as many
/// messages as the planner had enqueued by then (both rates over the same number of messages held by Azurite).
/// </param>
/// <param name="SeparateServices">
/// <c>--azurite-services separate</c>: Azurite's blob, queue and table services run as three Node.js processes instead of one
/// (each is single-threaded; in one process every table request takes the queue service's thread).
/// </param>
internal sealed record BenchOptions(int Jobs, int FanOutNumbers, int MemoryJobs, int StatusRequests, int AzuriteCosts, int FanOutMinutes, bool SeparateServices)
{
    public static BenchOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchOptions(Get("--jobs", 3000), Get("--fanout-numbers", 10_000), Get("--memory-jobs", 10_000), Get("--status-requests", 3000), Get("--azurite-costs", 0), Get("--fanout-minutes", 0),
            Array.IndexOf(args, "--azurite-services") is var at && at >= 0 && at + 1 < args.Length
                ? args[at + 1] switch
                {
                    "separate" => true,
                    "combined" => false,
                    var other => throw new ArgumentException($"--azurite-services takes 'separate' or 'combined', not '{other}'."),
                }
                : false);
    }
}

/// <summary>
/// Counts every storage request the host makes (one request = one billable storage transaction; an entity-group transaction
/// counts once), by kind, so a report can say what the transactions per lookup are made of.
/// </summary>
internal sealed class CountingPolicy(int queuePort, int tablePort) : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentDictionary<string, long> _kinds = new(StringComparer.Ordinal);
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_kinds, StringComparer.Ordinal);

    public override void OnSendingRequest(HttpMessage message)
    {
        Interlocked.Increment(ref _count);
        var kind = Kind(message.Request);
        _kinds.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        if (kind.StartsWith("queue", StringComparison.Ordinal) && kind != "queue send")
        {
            // Which queue, for Azurite's costs: every queue request but a send makes Azurite re-sort its message indexes.
            var segments = message.Request.Uri.ToUri().AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var queue = segments.Length > 1 ? segments[1] : "?";
            _kinds.AddOrUpdate($"{kind} ({queue})", 1, static (_, n) => n + 1);
        }
    }

    private string Kind(Request request)
    {
        var uri = request.Uri.ToUri();
        var path = uri.AbsolutePath;
        var method = request.Method.Method;
        if (uri.Port == queuePort)
        {
            return (method, path.Contains("/messages/", StringComparison.Ordinal), path.EndsWith("/messages", StringComparison.Ordinal)) switch
            {
                ("GET", _, true) => "queue receive",
                ("POST", _, true) => "queue send",
                ("DELETE", true, _) => "queue delete",
                ("PUT", true, _) => "queue update",
                _ => $"queue {method.ToLowerInvariant()} other",
            };
        }

        if (uri.Port == tablePort)
        {
            if (path.EndsWith("$batch", StringComparison.Ordinal))
            {
                return "table transaction";
            }

            var pointRead = path.Contains("PartitionKey=", StringComparison.Ordinal) && path.Contains("RowKey=", StringComparison.Ordinal);
            return method switch
            {
                "GET" when pointRead => "table point read",
                "GET" => "table query",
                _ => "table write",
            };
        }

        return "other";
    }
}

/// <summary>Per-kind difference of two counter snapshots, per job.</summary>
internal static class Breakdown
{
    public static string PerJob(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, int jobs) =>
        string.Join(", ", after
            .Select(kv => (kv.Key, Delta: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Delta > 0 && !kv.Key.Contains('(', StringComparison.Ordinal))
            .OrderByDescending(kv => kv.Delta)
            .Select(kv => $"{kv.Key} {kv.Delta / (double)jobs:0.000}"));

    public static string Totals(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        string.Join(", ", after
            .Select(kv => (kv.Key, Delta: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Delta > 0)
            .OrderByDescending(kv => kv.Delta)
            .Select(kv => $"{kv.Key} {kv.Delta}"));
}

internal static class Benchmarks
{
    private const string Platform = SimulatedPlatforms.Qihoo360;
    private const string AdminKey = "benchmark-admin-key-0123456789";

    /// <summary>Every platform's configured rate in the in-process host: the highest the options allow (the planner spaces jobs by it).</summary>
    private const double BenchRequestsPerSecond = 10_000;

    /// <summary>
    /// A local host in this process (the same composition as NumberTrust.Local's Program: its queue listeners and timers, the
    /// adapters pointed at the simulator), with a counting policy on its storage clients, and a tenant API client.
    /// </summary>
    private static Task<Host> StartHostAsync(AzuriteProcess azurite, PlatformSimulator simulator, params string[] disabledFunctions) =>
        StartHostAsync(azurite, simulator, lease: null, disabledFunctions);

    /// <param name="lease">The listener's processing lease (<c>Queues:ProcessingLease</c>); null for the host's default. <c>NT_BENCH_PROCESSING_LEASE</c> overrides both.</param>
    private static async Task<Host> StartHostAsync(AzuriteProcess azurite, PlatformSimulator simulator, TimeSpan? lease, params string[] disabledFunctions)
    {
        var prefix = "b" + Guid.NewGuid().ToString("N")[..10];
        var port = AzuriteProcess.FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var settings = simulator.AdapterConfiguration().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var id in SimulatedPlatforms.BuiltIn)
        {
            // The highest rate the options allow: a throughput benchmark measures the pipeline, not the politeness spacing.
            settings[$"Platforms:{id}:RequestsPerSecond"] = BenchRequestsPerSecond.ToString(CultureInfo.InvariantCulture);
            settings[$"Platforms:{id}:MaxConcurrency"] = "64";
            settings[$"Platforms:{id}:MaxQueuedLookups"] = "100000";
        }

        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["Storage:Prefix"] = prefix;
        settings["Local:StartAzurite"] = "false";
        settings["Auth:AdminKey"] = AdminKey;
        settings["AzureWebJobs.ScanPlannerTimer.Disabled"] = "true"; // ticks are triggered by the benchmark
        if (Environment.GetEnvironmentVariable("NT_BENCH_PLANNER_CONCURRENCY") is { Length: > 0 } plannerConcurrency)
        {
            settings["Scanning:PlannerConcurrency"] = plannerConcurrency;
        }

        if (Environment.GetEnvironmentVariable("NT_BENCH_SHARDS_IN_FLIGHT") is { Length: > 0 } shardsInFlight)
        {
            settings["Scanning:PlannerShardsInFlight"] = shardsInFlight;
        }

        if (Environment.GetEnvironmentVariable("NT_BENCH_PROCESSING_LEASE") is { Length: > 0 } leaseSetting)
        {
            settings["Queues:ProcessingLease"] = leaseSetting;
        }
        else if (lease is { } processingLease)
        {
            settings["Queues:ProcessingLease"] = processingLease.ToString("c", CultureInfo.InvariantCulture);
        }

        foreach (var name in disabledFunctions)
        {
            settings[$"AzureWebJobs.{name}.Disabled"] = "true";
        }

        settings["Urls"] = $"http://127.0.0.1:{port}";
        builder.Configuration.AddInMemoryCollection(settings);
        var counter = new CountingPolicy(azurite.QueuePort, azurite.TablePort);
        builder.Services.AddSingleton(new StoragePipelinePolicy(counter));
        builder.AddNumberTrustLocalHost();
        var app = builder.Build();
        app.UseNumberTrustLocalHost();
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30) };
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, AdminKey);
        (await client.PutAsJsonAsync("/api/admin/tenants/bench", new { name = "Benchmark" })).EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/admin/tenants/bench/keys", new { });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        client.DefaultRequestHeaders.Remove(ApiHeaders.ApiKey);
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, key);

        // The benchmark's own storage calls (enqueueing, progress polling) go through uncounted clients.
        var control = new StorageAccount(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Storage:Prefix"] = prefix }).Build(), []);
        return new Host(app, counter, control, client);
    }

    internal sealed record Host(WebApplication App, CountingPolicy Counter, StorageAccount Control, HttpClient Client) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private static string NumberAt(int block, int i) => $"+86{130 + block}{i:D8}";

    private static string National(string e164) => e164[3..];

    private static async Task ImportAsync(HttpClient client, IEnumerable<string> numbers, string platforms)
    {
        foreach (var chunk in numbers.Chunk(10_000))
        {
            var csv = "number,platforms\n" + string.Join("\n", chunk.Select(n => $"{n},{platforms}"));
            using var response = await client.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// Registers new numbers (tenants of 10,000) the way the CSV import stores them (<see cref="NumberStore.WriteNumberPartitionsAsync"/>:
    /// a due entry per number in 100-row transactions, then each number's facts row; then the registration rows in 100-row
    /// transactions), without the CSV parsing and the import's existence check. That check is one filtered query per 100 rows, and
    /// Azurite answers every filtered query by scanning the whole table, so importing 100,000 numbers into a fresh Azurite is
    /// quadratic: 50,000 took 537 s, 100,000 had not finished after 12 minutes.
    /// </summary>
    private static async Task RegisterAsync(Host host, IReadOnlyList<string> numbers, string platforms)
    {
        var store = host.App.Services.GetRequiredService<NumberStore>();
        var registrations = host.App.Services.GetRequiredService<StorageAccount>().Table(TableNames.Registrations);
        var platformList = JsonSerializer.Serialize(platforms.Split(';'));
        var now = DateTimeOffset.UtcNow;
        using var admin = new HttpClient { BaseAddress = host.Client.BaseAddress };
        admin.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, AdminKey);
        for (var i = 0; i < numbers.Count; i += 1000)
        {
            // Tenants of 10,000 numbers: a registration row is added after a point read that Azurite answers by scanning the
            // tenant's partition, so one tenant of 100,000 made registering quadratic (26 minutes for 100,000 in one tenant).
            var tenant = i < TenantSize ? "bench" : $"bench-{i / TenantSize:D3}";
            if (i % TenantSize == 0 && i > 0)
            {
                (await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { name = tenant })).EnsureSuccessStatusCode();
            }

            var chunk = numbers.Skip(i).Take(1000);
            var writes = chunk.Select(e164 =>
            {
                var number = NumberParser.FromStored(e164, "CN", NumberType.Mobile);
                var registration = new RegistrationEntity
                {
                    PartitionKey = tenant, RowKey = number.E164, Platforms = platformList, Region = number.Region,
                    NumberType = number.Type.ToString(), CreatedAt = now, UpdatedAt = now,
                };
                return new NumberStore.NumberPartitionWrite(number, registration, MayNeedSchedule: true);
            }).ToList();
            await store.WriteNumberPartitionsAsync(tenant, writes, 16, CancellationToken.None);
            await Parallel.ForEachAsync(writes.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
                await registrations.SubmitTransactionAsync(batch.Select(w => new TableTransactionAction(TableTransactionActionType.Add, w.Registration)), ct));
        }
    }

    private const int TenantSize = 10_000;

    /// <summary>The host.json names of every queue function except <paramref name="keep"/> (to disable them).</summary>
    private static string[] AllQueueFunctionsBut(params string[] keep) =>
        FunctionTable.Queues.Select(f => f.Name).Except(keep, StringComparer.Ordinal).ToArray();

    /// <summary>Enqueues one lookup job per number, all becoming visible at the returned instant (after the enqueueing is done).</summary>
    private static async Task<DateTimeOffset> EnqueueJobsAsync(
        QueueClient lookups, IReadOnlyList<string> numbers, string pass, bool holdBack = true, IReadOnlyDictionary<string, string>? expected = null)
    {
        var visibleAt = DateTimeOffset.UtcNow + (holdBack ? TimeSpan.FromSeconds(3 + (numbers.Count / 400.0)) : TimeSpan.Zero);
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (number, ct) =>
        {
            var job = new LookupJobMessage(LookupJobMessage.CurrentVersion, $"{pass}-{number}", number, "CN", nameof(NumberType.Mobile), Platform, DateTimeOffset.UtcNow, null, 0,
                expected?.GetValueOrDefault(number));
            var delay = visibleAt - DateTimeOffset.UtcNow;
            await lookups.SendMessageAsync(QueueMessageJson.Serialize(job), delay > TimeSpan.Zero ? delay : null, cancellationToken: ct);
        });
        if (holdBack && DateTimeOffset.UtcNow > visibleAt)
        {
            Console.WriteLine("warning: enqueueing took longer than the visibility delay; the pass overlapped its own enqueueing");
        }

        return visibleAt;
    }

    /// <summary>
    /// Waits for a pass: from the first simulator request after the jobs became visible until the simulator has answered
    /// <paramref name="expected"/> lookups and the queue is empty (a job's message is deleted after its state is written).
    /// </summary>
    private static async Task<(double Seconds, long Transactions, IReadOnlyDictionary<string, long> Before, IReadOnlyDictionary<string, long> After)> RunPassAsync(
        PlatformSimulator simulator, long expected, DateTimeOffset visibleAt, CountingPolicy counter, QueueClient queue)
    {
        var wait = visibleAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var before = counter.Count;
        var kinds = counter.Snapshot();
        var startCount = simulator.RequestCount(Platform);
        while (simulator.RequestCount(Platform) == startCount)
        {
            await Task.Delay(5);
        }

        var clock = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        while (simulator.RequestCount(Platform) < expected || (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            await Task.Delay(20);
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"  {simulator.RequestCount(Platform)} of {expected} lookups answered");
                progress.Restart();
            }
        }

        return (clock.Elapsed.TotalSeconds, counter.Count - before, kinds, counter.Snapshot());
    }

    /// <summary>
    /// Waits for one run of Azurite's queue garbage collector and then until Azurite has been idle (under 5 % of a core) for 3 s
    /// in a row (at most 5 minutes), so a timed phase does not pay for garbage the previous one left. Every 60 s Azurite deletes
    /// the storage of removed messages, one at a time, and each delete re-sorts an index over all of it: after a pass that
    /// deleted 2,000 messages, the next sweep took tens of seconds of its CPU, and whichever phase it landed in measured half as fast.
    /// </summary>
    private static async Task WaitForAzuriteIdleAsync(AzuriteProcess azurite, string before)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(62));
        var quiet = 0;
        var last = azurite.CpuTime;
        while (quiet < 3 && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(1000);
            var now = azurite.CpuTime;
            quiet = (now - last).TotalMilliseconds < 50 ? quiet + 1 : 0;
            last = now;
        }

        Console.WriteLine($"  Azurite idle before {before} after {clock.Elapsed.TotalSeconds:0} s");
    }

    private static string CpuPerJob(TimeSpan processBefore, TimeSpan azuriteBefore, AzuriteProcess azurite, int jobs) =>
        $"{(Process.GetCurrentProcess().TotalProcessorTime - processBefore).TotalMilliseconds * 1000 / jobs:0} us in this process + " +
        $"{(azurite.CpuTime - azuriteBefore).TotalMilliseconds * 1000 / jobs:0} us in Azurite";

    /// <summary>Benchmarks 1, 2 and 5: lookup throughput next to a bare loop, storage transactions per lookup, status lookups.</summary>
    public static async Task PipelineAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        Console.WriteLine("benchmarks 1, 2, 5: pipeline, transactions, status");
        await using var host = await StartHostAsync(azurite, simulator);
        var numbers = Enumerable.Range(0, options.Jobs).Select(i => NumberAt(0, i)).ToList();
        for (var i = 0; i < numbers.Count; i += 2)
        {
            simulator.Script(Platform, National(numbers[i]), NumberScript.Labeled("骚扰电话", i + 1));
        }

        await ImportAsync(host.Client, numbers, Platform);
        var lookups = host.Control.Queue(QueueNames.Lookups);
        var baseRequests = simulator.RequestCount(Platform);

        // Pass 1: every result is new (first observation: a history row, and for half the numbers a NewLabel event and alert).
        var visibleAt = await EnqueueJobsAsync(lookups, numbers, "p1");
        var changed = await RunPassAsync(simulator, baseRequests + options.Jobs, visibleAt, host.Counter, lookups);
        Console.WriteLine($"  pass 1 (changed): {changed.Seconds:0.0} s");

        // Pass 2: nothing changes; the steady state the throughput target is about.
        // As the planner does: each job carries the fingerprint of the settled state from the number's facts row.
        var facts = host.Control.Table(TableNames.Numbers);
        var expected = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, ct) =>
        {
            var row = (await facts.GetEntityAsync<TableEntity>(n, NumberFactsEntity.Row, cancellationToken: ct)).Value;
            if (row.GetString(LabelFingerprint.PropertyFor(Platform)) is { Length: > 0 } fingerprint)
            {
                expected[n] = fingerprint;
            }
        });
        Console.WriteLine($"  {expected.Count} of {numbers.Count} numbers have a settled fingerprint");
        await WaitForAzuriteIdleAsync(azurite, "pass 2");
        visibleAt = await EnqueueJobsAsync(lookups, numbers, "p2", expected: expected);
        var (processCpu, azuriteCpu) = (Process.GetCurrentProcess().TotalProcessorTime, azurite.CpuTime);
        var unchanged = await RunPassAsync(simulator, baseRequests + (2L * options.Jobs), visibleAt, host.Counter, lookups);
        var pipelineCpu = CpuPerJob(processCpu, azuriteCpu, azurite, options.Jobs);
        var pipelineRate = options.Jobs / unchanged.Seconds;
        Console.WriteLine($"  pass 2 (unchanged): {unchanged.Seconds:0.0} s; storage requests: {Breakdown.Totals(unchanged.Before, unchanged.After)}");

        // Bare loop: the same queue receive and delete, the same simulator request and one table write per job, at the same concurrency.
        // Its queue holds the same messages, enqueued the same way (same bodies, held back to appear at once), and it receives them
        // with the listener's lease: Azurite re-sorts its message indexes on every receive and delete, and what that costs depends
        // on the order of the messages' visibility times, so anything else would compare two different Azurite workloads.
        var queueOptions = host.App.Services.GetRequiredService<NumberTrust.Local.Queues.QueueHostOptions>();
        var bareQueue = host.Control.Queue("bare");
        await bareQueue.CreateIfNotExistsAsync();
        var bareTable = host.Control.Table(TableNames.Numbers); // the same table (Azurite's cost per row grows with the table)
        await WaitForAzuriteIdleAsync(azurite, "the bare loop");
        var bareVisibleAt = await EnqueueJobsAsync(bareQueue, numbers, "bare", expected: expected);
        var bareWait = bareVisibleAt - DateTimeOffset.UtcNow;
        if (bareWait > TimeSpan.Zero)
        {
            await Task.Delay(bareWait);
        }

        using var http = new HttpClient { BaseAddress = simulator.BaseUrlFor(Platform) };
        var maxInFlight = queueOptions.BatchSize + queueOptions.NewBatchThreshold;
        var inFlight = new SemaphoreSlim(maxInFlight);
        var done = 0;
        var tasks = new List<Task>();
        (processCpu, azuriteCpu) = (Process.GetCurrentProcess().TotalProcessorTime, azurite.CpuTime);
        var bareClock = Stopwatch.StartNew();
        while (Volatile.Read(ref done) + tasks.Count(t => !t.IsCompleted) < options.Jobs)
        {
            // Like the listener: a new batch when in-flight work drops to newBatchThreshold.
            while (maxInFlight - inFlight.CurrentCount > queueOptions.NewBatchThreshold)
            {
                await Task.Delay(1);
            }

            var batch = (await bareQueue.ReceiveMessagesAsync(queueOptions.BatchSize, queueOptions.ProcessingLease)).Value;
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
                        var number = QueueMessageJson.Deserialize<LookupJobMessage>(message.Body, LookupJobMessage.CurrentVersion).Number;
                        _ = await http.GetStringAsync("/s?q=" + Uri.EscapeDataString(National(number)));
                        await bareTable.UpsertEntityAsync(new TableEntity(number, "bare|state") { ["CheckedAt"] = DateTimeOffset.UtcNow });
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
        var bareRate = options.Jobs / bareClock.Elapsed.TotalSeconds;
        var bareCpu = CpuPerJob(processCpu, azuriteCpu, azurite, options.Jobs);
        report.Add($"1. pipeline throughput, {options.Jobs} unchanged lookups (batchSize {queueOptions.BatchSize}, newBatchThreshold {queueOptions.NewBatchThreshold}): " +
            $"local host {pipelineRate:0} jobs/s, bare loop {bareRate:0} jobs/s, ratio {pipelineRate / bareRate:0.00} (target >= 0.7); " +
            $"CPU per job: local host {pipelineCpu}, bare loop {bareCpu} (this process holds the simulator and the load generator too); " +
            $"first-observation pass (history row for every job, NewLabel event and alert for half) {options.Jobs / changed.Seconds:0} jobs/s");
        report.Add($"2. storage transactions per lookup: unchanged {unchanged.Transactions / (double)options.Jobs:0.00} ({Breakdown.PerJob(unchanged.Before, unchanged.After, options.Jobs)}); " +
            $"changed {changed.Transactions / (double)options.Jobs:0.00} ({Breakdown.PerJob(changed.Before, changed.After, options.Jobs)}); target <= 3 unchanged");

        // Benchmark 5 on the same host: the numbers now have state.
        if (options.StatusRequests <= 0)
        {
            return;
        }

        var registrations = host.Control.Table(TableNames.Registrations);
        var (statusP50, statusP99, statusRate) = await MeasureAsync(options.StatusRequests, async i =>
        {
            using var response = await host.Client.GetAsync("/api/numbers/" + Uri.EscapeDataString(numbers[i % numbers.Count]));
            response.EnsureSuccessStatusCode();
        });
        var (rawP50, rawP99, rawRate) = await MeasureAsync(options.StatusRequests, async i =>
            await registrations.GetEntityAsync<TableEntity>("bench", numbers[i % numbers.Count]));
        report.Add($"5. status lookup GET /api/numbers/{{n}}, 32 concurrent clients, {options.StatusRequests} requests: p50 {statusP50:0.0} ms, p99 {statusP99:0.0} ms, {statusRate:0} req/s; " +
            $"raw table point query, same clients: p50 {rawP50:0.0} ms, p99 {rawP99:0.0} ms, {rawRate:0} req/s");
    }

    /// <summary>The processing lease of benchmark 3's host: longer than a whole 100,000-number tick takes on Azurite here.</summary>
    private static readonly TimeSpan FanOutLease = TimeSpan.FromHours(3);

    /// <summary>Benchmark 3: one planner tick over N numbers x 6 platforms through the host's PlanScanShard listener, next to a raw enqueue loop.</summary>
    public static async Task FanOutAsync(
        AzuriteProcess azurite, Func<Task<AzuriteProcess>> freshAzurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        Console.WriteLine("benchmark 3: fan-out");
        // The host runs the planner's function only. Any other listener's idle poll makes Azurite re-sort every message it holds
        // (about 0.3 s of its CPU at 45,000 messages, seconds at 600,000; see docs/benchmarks.md), which would measure Azurite, not
        // the planner: the schedule-pulls listener alone polled 19 times during a 5,000-number tick, the scan-runs poison listener 20.
        // The shard messages are held for the whole planning (16 plans share the queue's throughput). The listener renews a held
        // message's lease at half its length, as Functions does; on Azurite each renewal (like every queue request other than a
        // send) rebuilds the sorted indexes over every message it holds, about 3 s of its CPU at 250,000, while in Azure it is one
        // cheap request. A lease longer than the planning keeps that emulator cost out of the ratio; NT_BENCH_PROCESSING_LEASE=00:10:00
        // measures with the Functions host's lease instead (see docs/benchmarks.md for both).
        await using var host = await StartHostAsync(azurite, simulator, FanOutLease, AllQueueFunctionsBut("PlanScanShard"));
        var numbers = Enumerable.Range(0, options.FanOutNumbers).Select(i => NumberAt(1, i)).ToList();
        const string platforms = "qihoo360;baidu;baidu-haoma;sogou;tencent;nomorobo";
        // The raw loop runs against a second Azurite holding the same registrations, so it starts from the same state the planner
        // starts from: same tables (Azurite's heap, and so its garbage collection, grows with them) and an empty message store
        // (its cost per message grows with the messages it holds, and clearing 100,000s of them is quadratic in it). Both are
        // filled at once, before anything is measured.
        var rawAzurite = await freshAzurite();
        var importClock = Stopwatch.StartNew();
        await using (var twin = await StartHostAsync(rawAzurite, simulator, AllQueueFunctionsBut()))
        {
            await Task.WhenAll(RegisterAsync(host, numbers, platforms), RegisterAsync(twin, numbers, platforms));
        }

        var importSeconds = importClock.Elapsed.TotalSeconds;
        Console.WriteLine($"  registered {numbers.Count} numbers in {importSeconds:0} s (in both Azurites at once)");
        var planner = host.App.Services.GetRequiredService<ScanPlanner>();
        var plans = host.Control.Queue(QueueNames.ScanPlans);
        await WaitForAzuriteIdleAsync(azurite, "the tick"); // the raw loop's Azurite is idle for the whole planning time
        var expectedJobs = numbers.Count * 6L;
        var kindsBefore = host.Counter.Snapshot();
        var sendsBefore = kindsBefore.GetValueOrDefault("queue send");

        var hostCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpuBefore = azurite.CpuTime;
        var (queueCpuBefore, tableCpuBefore) = (azurite.ServiceCpuTime("queue"), azurite.ServiceCpuTime("table"));
        var clock = Stopwatch.StartNew();
        await planner.TickAsync(new TimerTick(DateTimeOffset.UtcNow, false, null, DateTimeOffset.UtcNow), CancellationToken.None);
        var tickSeconds = clock.Elapsed.TotalSeconds;
        var progress = Stopwatch.StartNew();
        long Sent() => host.Counter.Snapshot().GetValueOrDefault("queue send") - sendsBefore - DueIndex.Shards;
        var capped = false;
        while (Sent() < expectedJobs || (await plans.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            if (options.FanOutMinutes > 0 && clock.Elapsed > TimeSpan.FromMinutes(options.FanOutMinutes))
            {
                capped = true;
                break;
            }

            await Task.Delay(20);
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"  {Sent()} of {expectedJobs} jobs enqueued");
                progress.Restart();
            }
        }

        var planSeconds = clock.Elapsed.TotalSeconds;
        var jobs = Sent();
        var scope = capped ? $"stopped after {options.FanOutMinutes} minutes at {jobs} of {expectedJobs} jobs; " : "";
        var planHostCpu = (Process.GetCurrentProcess().TotalProcessorTime - hostCpuBefore).TotalMilliseconds * 1000 / jobs;
        var planAzuriteCpu = (azurite.CpuTime - azuriteCpuBefore).TotalMilliseconds * 1000 / jobs;
        var planServicesCpu = azurite.SeparateServices
            ? $" (queue service {(azurite.ServiceCpuTime("queue") - queueCpuBefore).TotalMilliseconds * 1000 / jobs:0} us, table service {(azurite.ServiceCpuTime("table") - tableCpuBefore).TotalMilliseconds * 1000 / jobs:0} us)"
            : "";
        var planRate = jobs / planSeconds;
        var perJob = Breakdown.PerJob(kindsBefore, host.Counter.Snapshot(), (int)jobs);
        Console.WriteLine($"  planned {jobs} jobs in {planSeconds:0.0} s; storage requests per job: {perJob}");
        Console.WriteLine($"  storage requests while planning: {Breakdown.Totals(kindsBefore, host.Counter.Snapshot())}");

        var scanOptions = host.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulingOptions>>().Value;
        var (concurrency, shardsInFlight) = (scanOptions.PlannerConcurrency, scanOptions.PlannerShardsInFlight);
        var leaseUsed = host.App.Services.GetRequiredService<QueueHostOptions>().ProcessingLease;
        var renewals = host.Counter.Snapshot().GetValueOrDefault("queue update") - kindsBefore.GetValueOrDefault("queue update");
        await host.DisposeAsync(); // idle from here; stopped so that nothing but the raw loop runs
        await using var rawAzuriteLifetime = rawAzurite;

        // Raw loop: the same number of enqueues of the same messages (a job id of the same length, no fingerprint: the numbers have
        // no state yet) with the same spread of visibility delays (per platform, job i of the tick visible at i / requestsPerSecond),
        // as many at once as the planner has requests in flight.
        var raw = new QueueClient(rawAzurite.ConnectionString, "raw-enqueue", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await raw.CreateIfNotExistsAsync();
        var dueAt = DateTimeOffset.UtcNow;
        var body = QueueMessageJson.Serialize(new LookupJobMessage(
            LookupJobMessage.CurrentVersion, LookupJobMessage.IdFor(numbers[0], Platform, dueAt, null), numbers[0], "CN", nameof(NumberType.Mobile), Platform, dueAt, null, 0));
        hostCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        azuriteCpuBefore = rawAzurite.CpuTime;
        queueCpuBefore = rawAzurite.ServiceCpuTime("queue");
        clock.Restart();
        await Parallel.ForEachAsync(LongRange(jobs), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (k, ct) =>
        {
            var delay = TimeSpan.FromSeconds(k / 6 / BenchRequestsPerSecond);
            await raw.SendMessageAsync(body, delay > TimeSpan.Zero ? delay : null, cancellationToken: ct);
        });
        var rawRate = jobs / clock.Elapsed.TotalSeconds;
        var rawHostCpu = (Process.GetCurrentProcess().TotalProcessorTime - hostCpuBefore).TotalMilliseconds * 1000 / jobs;
        var rawAzuriteCpu = (rawAzurite.CpuTime - azuriteCpuBefore).TotalMilliseconds * 1000 / jobs;
        var rawServicesCpu = rawAzurite.SeparateServices ? $" (queue service {(rawAzurite.ServiceCpuTime("queue") - queueCpuBefore).TotalMilliseconds * 1000 / jobs:0} us)" : "";
        var topology = azurite.SeparateServices ? "Azurite's queue and table services in separate processes" : "one Azurite process for all services";
        var cpu = $"CPU per job: planner {planHostCpu:0} us in this process + {planAzuriteCpu:0} us in Azurite{planServicesCpu}, raw loop {rawHostCpu:0} us + {rawAzuriteCpu:0} us{rawServicesCpu}";
        Console.WriteLine("  " + cpu);
        report.Add($"3. fan-out of {options.FanOutNumbers} numbers x 6 platforms ({topology}): timer tick {tickSeconds * 1000:0} ms ({DueIndex.Shards} shard plans, {shardsInFlight} at a time, " +
            $"listener lease {leaseUsed:c}, {renewals} lease renewals); " +
            $"{scope}planning and enqueueing {jobs} jobs {planSeconds:0.0} s = {planRate:0} jobs/s; raw enqueue loop ({concurrency} at once, an Azurite with the same registrations) {rawRate:0} msg/s; " +
            $"ratio {planRate / rawRate:0.00} (target >= 0.8); {cpu}; storage requests per job while planning: {perJob}; registering the numbers through the import's store path (in both Azurites at once) took {importSeconds:0} s");
    }

    /// <summary>
    /// What Azurite spends per request kind on this machine, 128 at once against a fresh instance: queue sends, table point reads
    /// (a table of <paramref name="count"/> rows), table merges, and sends with a read before every 6 (the planner's mix).
    /// </summary>
    public static async Task AzuriteCostsAsync(AzuriteProcess azurite, int count, List<string> report)
    {
        Console.WriteLine("Azurite request costs");
        var table = new TableClient(azurite.ConnectionString, "costs");
        await table.CreateIfNotExistsAsync();
        var queue = new QueueClient(azurite.ConnectionString, "costs", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        var body = new string('x', 400);
        async Task<double> RateAsync(string name, int n, Func<long, Task> call)
        {
            var cpu = azurite.CpuTime;
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(LongRange(n), new ParallelOptions { MaxDegreeOfParallelism = int.Parse(Environment.GetEnvironmentVariable("NT_BENCH_COST_CONCURRENCY") ?? "128", CultureInfo.InvariantCulture) }, async (i, _) => await call(i));
            var rate = n / clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  {name}: {rate:0}/s, Azurite CPU {(azurite.CpuTime - cpu).TotalMilliseconds * 1000 / n:0} us per request");
            return rate;
        }

        var upsert = await RateAsync("table upsert", count, i => table.UpsertEntityAsync(new TableEntity($"+8613{i:D9}", "number") { ["Watchers"] = body }));
        var read = await RateAsync("table point read", count, i => table.GetEntityAsync<TableEntity>($"+8613{(i * 7919) % count:D9}", "number"));
        var merge = await RateAsync("table merge", count, i => table.UpdateEntityAsync(new TableEntity($"+8613{(i * 7919) % count:D9}", "number") { ["Due"] = "x" }, Azure.ETag.All));
        var batched = await RateAsync("table batch of 100 upserts (per row)", count / 100, i => table.SubmitTransactionAsync(
            Enumerable.Range(0, 100).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity($"batch{i}", $"r{r:D3}") { ["Due"] = body })))) * 100;
        Console.WriteLine($"  = {batched:0} rows/s");
        var send = await RateAsync("queue send", count * 3, _ => queue.SendMessageAsync(body));
        var delayedQueue = new QueueClient(azurite.ConnectionString, "costs-delayed", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await delayedQueue.CreateIfNotExistsAsync();
        var delayed = await RateAsync("queue send with a visibility delay", count * 3, i => delayedQueue.SendMessageAsync(body, TimeSpan.FromMilliseconds(1 + (i * 10 % 300_000))));
        var mixed = await RateAsync("queue send with a point read per 6", count * 3, async i =>
        {
            if (i % 6 == 0)
            {
                await table.GetEntityAsync<TableEntity>($"+8613{(i / 6 * 7919) % count:D9}", "number");
            }

            await queue.SendMessageAsync(body);
        });
        var deleted = await RateAsync("table batch of 100 deletes (per row)", count / 100, i => table.SubmitTransactionAsync(
            Enumerable.Range(0, 100).Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity($"batch{i}", $"r{r:D3}"), Azure.ETag.All)))) * 100;
        Console.WriteLine($"  = {deleted:0} rows/s");

        // A receive from an empty queue while Azurite holds every message sent above: each one re-sorts Azurite's message indexes.
        var idle = new QueueClient(azurite.ConnectionString, "costs-idle", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await idle.CreateIfNotExistsAsync();
        var receive = await RateAsync($"queue receive from an empty queue, {count * 9} messages held", 20, _ => idle.ReceiveMessagesAsync(16));
        report.Add($"Azurite request rates, 128 at once: table upsert {upsert:0}/s, point read {read:0}/s, merge {merge:0}/s, rows in 100-row transactions {batched:0}/s (deletes {deleted:0}/s); queue send {send:0}/s, with a visibility delay {delayed:0}/s " +
            $"(into a queue growing from 0 to {count * 3}), send with a point read per 6 sends {mixed:0} sends/s (growing from {count * 3} to {count * 6}); receive from an empty queue with {count * 9} messages held {receive:0.0}/s");
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
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

    private const int MemoryBacklog = 2000;

    /// <summary>Benchmark 4: peak memory (VmHWM) of the local host, as its own process, over a long run of jobs.</summary>
    public static async Task MemoryAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        Console.WriteLine("benchmark 4: memory");
        var dll = typeof(Benchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LocalHostAssembly").Value!;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution with -c Release first.");
        }

        var prefix = "m" + Guid.NewGuid().ToString("N")[..10];
        var port = AzuriteProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(dll);
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["Storage__Prefix"] = prefix;
        start.Environment["Local__StartAzurite"] = "false";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = Environment.GetEnvironmentVariable("NT_BENCH_HOST_LOG") ?? "Warning";
        start.Environment["AzureWebJobs.ScanPlannerTimer.Disabled"] = "true";
        foreach (var (key, value) in simulator.AdapterConfiguration())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment[$"Platforms__{Platform}__RequestsPerSecond"] = "10000";
        start.Environment[$"Platforms__{Platform}__MaxConcurrency"] = "64";
        start.Environment[$"Platforms__{Platform}__MaxQueuedLookups"] = "100000";
        using var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null && output.Count < 200) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null && output.Count < 200) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var storage = new StorageAccount(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Storage:Prefix"] = prefix }).Build(), []);
            var lookups = storage.Queue(QueueNames.Lookups);
            var waited = Stopwatch.StartNew();
            while (!(await lookups.ExistsAsync()).Value)
            {
                if (process.HasExited || waited.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new InvalidOperationException("The local host did not start:\n" + string.Join('\n', output));
                }

                await Task.Delay(200);
            }

            var idleKiB = PeakKiB(process.Id);
            var baseRequests = simulator.RequestCount(Platform);
            var numbers = Enumerable.Range(0, options.MemoryJobs).Select(i => NumberAt(3, i)).ToList();
            var clock = Stopwatch.StartNew();
            // Jobs are fed so that at most MemoryBacklog wait at a time: Azurite's cost per queue request grows with the messages
            // it holds, so a queue of 100,000 would measure Azurite. The host still works through every job.
            var enqueue = Task.Run(async () =>
            {
                var fed = 0;
                foreach (var chunk in numbers.Chunk(500))
                {
                    while (simulator.RequestCount(Platform) - baseRequests + MemoryBacklog < fed + chunk.Length)
                    {
                        await Task.Delay(100);
                    }

                    await EnqueueJobsAsync(lookups, chunk, "mem", holdBack: false);
                    fed += chunk.Length;
                }
            });
            long peak = 0;
            var progress = Stopwatch.StartNew();
            while (simulator.RequestCount(Platform) < baseRequests + options.MemoryJobs || (await lookups.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException("The local host exited:\n" + string.Join('\n', output));
                }

                peak = Math.Max(peak, PeakKiB(process.Id));
                await Task.Delay(500);
                if (progress.Elapsed > TimeSpan.FromSeconds(60))
                {
                    Console.WriteLine($"  {simulator.RequestCount(Platform) - baseRequests} of {options.MemoryJobs} jobs, peak {peak / 1024} MiB");
                    progress.Restart();
                }
            }

            await enqueue;
            peak = Math.Max(peak, PeakKiB(process.Id));
            if (Environment.GetEnvironmentVariable("NT_BENCH_HOST_LOG") is { Length: > 0 })
            {
                Console.WriteLine(string.Join('\n', output));
            }

            report.Add($"4. peak memory (VmHWM) of the local host process over {options.MemoryJobs} jobs (fed while it works, at most {MemoryBacklog} waiting): {peak / 1024.0:0} MiB (target < 300 MB; {idleKiB / 1024.0:0} MiB after start-up); {options.MemoryJobs / clock.Elapsed.TotalSeconds:0} jobs/s");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static long PeakKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
