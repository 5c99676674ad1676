internal static partial class Benchmarks
{
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
}
