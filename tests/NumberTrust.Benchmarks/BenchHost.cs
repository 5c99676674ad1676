/// <summary>What every benchmark shares: the in-process host, registering numbers, enqueueing jobs, passes, percentiles.</summary>
internal static partial class Benchmarks
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
    private static Task<Host> StartHostAsync(AzuriteProcess azurite, PlatformSimulator simulator, TimeSpan? lease, params string[] disabledFunctions) =>
        StartHostAsync(azurite, simulator, lease, extraSettings: null, disabledFunctions);

    /// <param name="extraSettings">Settings applied after the benchmark's own (they win).</param>
    private static async Task<Host> StartHostAsync(
        AzuriteProcess azurite, PlatformSimulator simulator, TimeSpan? lease, IReadOnlyDictionary<string, string>? extraSettings, params string[] disabledFunctions)
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
            settings[$"Platforms:{id}:Pacing"] = Environment.GetEnvironmentVariable("NT_BENCH_PACING") ?? nameof(PacingScope.Shared);
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

        foreach (var (setting, settingValue) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[setting] = settingValue;
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

    private static long PeakKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
