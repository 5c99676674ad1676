internal static partial class Benchmarks
{
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
}
