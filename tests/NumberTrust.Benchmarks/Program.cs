
// NumberTrust end-to-end benchmarks against Azurite and the platform simulator on this machine.
// One file per benchmark (a part of the static Benchmarks class), shared parts in BenchHost.cs; a new benchmark is a new file,
// an option in BenchOptions and a call below.
// Usage: dotnet run -c Release --project tests/NumberTrust.Benchmarks -- [--jobs N] [--fanout-numbers N] [--fanout-minutes M] [--memory-jobs N] [--status-requests N] [--azurite-costs N] [--azurite-services separate|combined] [--deliveries N] [--shared-scans N]
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
    Flush();
}

if (options.AzuriteCosts > 0)
{
    await RunAsync(azurite => Benchmarks.AzuriteCostsAsync(azurite, options.AzuriteCosts, report));
    Flush();
}

if (options.Deliveries > 0)
{
    await RunAsync(azurite => Benchmarks.DeliveryAsync(azurite, simulator, options, report));
    Flush();
}

if (options.SharedScans > 0)
{
    await RunAsync(azurite => Benchmarks.SharedScansAsync(azurite, simulator, options, report));
    Flush();
}

Console.WriteLine();
Console.WriteLine("## Results");
foreach (var line in report)
{
    Console.WriteLine("- " + line);
}
