internal static partial class Benchmarks
{
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
}
