internal static partial class Benchmarks
{
    private const int DeliverySubscriptions = 100;

    /// <summary>Events sent before the timed run: enough calls for the JIT's tier-up to finish, which a short run would otherwise pay for.</summary>
    private const int DeliveryWarmupEvents = 10;

    /// <summary>
    /// Benchmark 6: label events delivered by the alerts dispatcher and the delivery worker to 100 webhook subscriptions of one
    /// tenant on a loopback receiver, next to a bare loop doing the same signed posts and one table write per delivery.
    /// </summary>
    public static async Task DeliveryAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        Console.WriteLine("benchmark 6: webhook deliveries");
        await using var receiver = await LocalWebhookReceiver.StartAsync(new LocalWebhookReceiverOptions(), CancellationToken.None);
        // The local host's polling ceiling (its appsettings.json), not host.json's 15 s: an idle listener must not sleep past the first event.
        var polling = new Dictionary<string, string> { ["Queues:MaxPollingInterval"] = "00:00:02" };
        await using var host = await StartHostAsync(azurite, simulator, null, polling, AllQueueFunctionsBut(FunctionNames.DispatchAlert, FunctionNames.DeliverAlert));
        var subscriptions = new List<(string Id, string Path, WebhookSecret Secret)>();
        for (var i = 0; i < DeliverySubscriptions; i++)
        {
            var path = $"/hooks/{i:D3}";
            using var response = await host.Client.PostAsJsonAsync("/api/subscriptions", new
            {
                name = $"Benchmark {i}", eventTypes = new[] { EventTypes.NewLabel }, webhooks = new[] { receiver.UrlFor(path).ToString() },
            });
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating subscription {i} answered {(int)response.StatusCode}: {json}");
            }

            var secret = json.GetProperty("secret").GetString()!;
            receiver.AddEndpoint(path, secret);
            subscriptions.Add((json.GetProperty("id").GetString()!, path, WebhookSecret.Parse(secret)));
        }

        // One watched number per event, and events without a tenant, as label changes are: the dispatcher finds the watchers.
        var numbers = Enumerable.Range(0, options.Deliveries + DeliveryWarmupEvents).Select(i => NumberAt(9, i)).ToList();
        await ImportAsync(host.Client, numbers, Platform);
        var publisher = new EventPublisher(host.Control); // uncounted: publishing is the producer's cost, not delivery's
        var alerts = host.Control.Queue(QueueNames.Alerts);
        var deliveryQueue = host.Control.Queue(QueueNames.Deliveries);

        // Warm-up through the listeners (JIT tier-up, connection pools), so the timed run measures the steady state, as the bare
        // loop after it does; the pause lets the background JIT finish what the warm-up queued.
        foreach (var (number, i) in numbers.Take(DeliveryWarmupEvents).Select((n, i) => (n, i)))
        {
            await publisher.PublishAsync(DeliveryEvent(number, $"bench-warmup-{i}"), CancellationToken.None);
        }

        await WaitForWebhooksAsync(receiver, DeliveryWarmupEvents * DeliverySubscriptions, TimeSpan.FromMinutes(5));
        await WaitForEmptyAsync(alerts, deliveryQueue);
        await Task.Delay(TimeSpan.FromSeconds(2));
        receiver.Clear();

        var events = numbers.Skip(DeliveryWarmupEvents).Select((n, i) => DeliveryEvent(n, $"bench-h{i:D5}")).ToList();
        var expected = events.Count * DeliverySubscriptions;
        await WaitForAzuriteIdleAsync(azurite, "the deliveries");
        var hostLoad = LoadAverage();
        var before = host.Counter.Count;
        var kinds = host.Counter.Snapshot();
        var (processCpu, azuriteCpu) = (Process.GetCurrentProcess().TotalProcessorTime, azurite.CpuTime);
        var clock = Stopwatch.StartNew();
        foreach (var notification in events)
        {
            await publisher.PublishAsync(notification, CancellationToken.None);
        }

        await WaitForWebhooksAsync(receiver, expected, TimeSpan.FromMinutes(15));
        var hostSeconds = clock.Elapsed.TotalSeconds;
        // The worker records each outcome after its post; the transactions are counted once every record is written.
        await WaitForEmptyAsync(alerts, deliveryQueue);
        var settledSeconds = clock.Elapsed.TotalSeconds;
        var hostCpu = CpuPerJob(processCpu, azuriteCpu, azurite, expected);
        var transactions = host.Counter.Count - before;
        var breakdown = Breakdown.PerJob(kinds, host.Counter.Snapshot(), expected);
        var received = receiver.Deliveries;
        var hostCheck = $"{received.Count(d => d.SignatureValid)} verified, {received.Count(d => !d.SignatureValid)} refused, {receiver.Duplicates().Count} duplicate webhook-ids";
        Console.WriteLine($"  host: {hostSeconds:0.0} s to the last post, {settledSeconds:0.0} s to the last record; {hostCheck}; storage requests: {Breakdown.Totals(kinds, host.Counter.Snapshot())}");

        // Bare loop: the same posts (the worker's body for each subscription and event, signed with its secret) at the worker
        // listener's concurrency, each followed by one upsert into the deliveries table of the same Azurite.
        var queueOptions = host.App.Services.GetRequiredService<QueueHostOptions>();
        var concurrency = queueOptions.BatchSize + queueOptions.NewBatchThreshold;
        var bareEvents = numbers.Skip(DeliveryWarmupEvents).Select((n, i) => DeliveryEvent(n, $"bench-b{i:D5}")).ToList();
        var work = bareEvents.SelectMany(e => subscriptions.Select(s => (Event: e, Subscription: s))).ToList();
        var table = host.Control.Table(TableNames.Deliveries);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseProxy = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        });
        receiver.Clear();
        await WaitForAzuriteIdleAsync(azurite, "the bare loop");
        var bareLoad = LoadAverage();
        (processCpu, azuriteCpu) = (Process.GetCurrentProcess().TotalProcessorTime, azurite.CpuTime);
        var bareClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, ct) =>
        {
            var (notification, subscription) = item;
            var body = WebhookPayload.For(notification, subscription.Id);
            var webhookId = subscription.Id + "." + notification.EventId;
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.UrlFor(subscription.Path)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, webhookId);
            request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSigner.Sign(webhookId, timestamp, body, subscription.Secret));
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            await table.UpsertEntityAsync(
                new TableEntity(DeliveryEntity.PartitionFor("bench", subscription.Id), "bare|" + webhookId)
                {
                    ["Status"] = nameof(DeliveryStatus.Succeeded), ["StatusCode"] = (int)response.StatusCode, ["CompletedAt"] = DateTimeOffset.UtcNow,
                },
                cancellationToken: ct);
        });
        var bareSeconds = bareClock.Elapsed.TotalSeconds;
        var bareCpu = CpuPerJob(processCpu, azuriteCpu, azurite, expected);
        var bareVerified = receiver.Deliveries.Count(d => d.SignatureValid);
        if (bareVerified != expected)
        {
            throw new InvalidOperationException($"The receiver verified {bareVerified} of the bare loop's {expected} posts.");
        }

        var hostRate = expected / hostSeconds;
        var bareRate = expected / bareSeconds;
        report.Add($"6. webhook deliveries, {events.Count} label events x {DeliverySubscriptions} subscriptions = {expected} deliveries on loopback " +
            $"(worker listener batchSize {queueOptions.BatchSize}, newBatchThreshold {queueOptions.NewBatchThreshold}; bare loop {concurrency} in flight): " +
            $"local host {hostRate:0} deliveries/s ({hostSeconds:0.0} s from the first publish to the last verified post, {settledSeconds:0.0} s to the last record; {hostCheck}), " +
            $"bare loop {bareRate:0} deliveries/s ({bareSeconds:0.0} s), ratio {hostRate / bareRate:0.00} (target >= 0.7); " +
            $"storage transactions per delivery {transactions / (double)expected:0.00} ({breakdown}); " +
            $"CPU per delivery: local host {hostCpu}, bare loop {bareCpu}; load average at the start: {hostLoad} (host), {bareLoad} (bare loop)");
    }

    /// <summary>A label.new event as the lookup worker publishes it (same fields, so the webhook body has the real size).</summary>
    private static NotificationEvent DeliveryEvent(string number, string eventId) =>
        new(NotificationEvent.CurrentVersion, eventId, EventTypes.NewLabel, DateTimeOffset.UtcNow, number, null, Platform, "Fraud",
            new System.Text.Json.Nodes.JsonObject
            {
                ["fromCategory"] = null, ["toCategory"] = "Fraud", ["direction"] = null, ["fromCount"] = null, ["toCount"] = 57, ["labelText"] = "诈骗电话",
            });

    private static async Task WaitForWebhooksAsync(LocalWebhookReceiver receiver, int expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        int verified;
        while ((verified = receiver.Deliveries.Count(d => d.SignatureValid)) < expected)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The receiver verified {verified} of {expected} webhooks in {timeout.TotalMinutes:0} minutes.");
            }

            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"  {verified} of {expected} webhooks verified");
                progress.Restart();
            }

            // Counting 10,000 entries costs this process CPU the bare loop does not spend: look every 50 ms, not more often.
            await Task.Delay(50);
        }
    }

    private static async Task WaitForEmptyAsync(params QueueClient[] queues)
    {
        foreach (var queue in queues)
        {
            while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                await Task.Delay(20);
            }
        }
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
