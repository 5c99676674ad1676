internal static partial class Benchmarks
{
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
}
