internal static partial class Benchmarks
{
    private const int SharedScanTenants = 5;

    /// <summary>
    /// Benchmark 7: on-demand scans of the same numbers by five tenants at once (each tenant watches every number): platform
    /// requests and storage transactions per scan, from the first POST until the lookup queue is empty. It uses only the HTTP API,
    /// so the same file measures a commit from before shared lookups.
    /// </summary>
    public static async Task SharedScansAsync(AzuriteProcess azurite, PlatformSimulator simulator, BenchOptions options, List<string> report)
    {
        Console.WriteLine("benchmark 7: shared on-demand scans");
        await using var host = await StartHostAsync(azurite, simulator, null, null, AllQueueFunctionsBut(FunctionNames.LookupLabel));
        var numbers = Enumerable.Range(0, options.SharedScans).Select(i => NumberAt(7, i)).ToList();
        for (var i = 0; i < numbers.Count; i += 3)
        {
            simulator.Script(Platform, National(numbers[i]), NumberScript.Labeled("骚扰电话", i + 1));
        }

        var tenants = new List<HttpClient> { host.Client };
        for (var t = 1; t < SharedScanTenants; t++)
        {
            tenants.Add(await NewTenantClientAsync(host, $"bench-share-{t}"));
        }

        foreach (var tenant in tenants)
        {
            await ImportAsync(tenant, numbers, Platform);
        }

        var lookups = host.Control.Queue(QueueNames.Lookups);
        await WaitForAzuriteIdleAsync(azurite, "the shared scans");
        var requestsBefore = simulator.RequestCount(Platform);
        var before = host.Counter.Count;
        var kinds = host.Counter.Snapshot();
        var clock = Stopwatch.StartNew();
        var runs = new ConcurrentBag<(HttpClient Tenant, string Location)>();
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (number, ct) =>
            await Task.WhenAll(tenants.Select(async tenant =>
            {
                using var response = await tenant.PostAsync($"/api/numbers/{Uri.EscapeDataString(number)}/scans", null, ct);
                if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"POST scans answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }

                runs.Add((tenant, response.Headers.Location!.OriginalString));
            })));

        // Done when the lookup queue has stayed empty for 2 s (a job waiting on another's claim is still an invisible message).
        var emptyFor = Stopwatch.StartNew();
        while (emptyFor.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(50);
            if ((await lookups.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                emptyFor.Restart();
            }
        }

        var seconds = clock.Elapsed.TotalSeconds - 2;
        var transactions = host.Counter.Count - before;
        var after = host.Counter.Snapshot();
        var platformRequests = simulator.RequestCount(Platform) - requestsBefore;
        var unfinished = 0;
        foreach (var (tenant, location) in runs)
        {
            var run = await tenant.GetFromJsonAsync<JsonElement>(location);
            unfinished += run.GetProperty("finished").GetBoolean() ? 0 : 1;
        }

        var scans = runs.Count;
        report.Add($"7. shared on-demand scans, {numbers.Count} numbers x {SharedScanTenants} tenants scanning each at once ({scans} scans, {unfinished} unfinished): " +
            $"{platformRequests} platform requests ({platformRequests / (double)numbers.Count:0.00} per number, {platformRequests / (double)scans:0.00} per scan); " +
            $"storage transactions per scan {transactions / (double)scans:0.00} ({Breakdown.PerJob(kinds, after, scans)}), " +
            $"per platform request {transactions / (double)Math.Max(1, platformRequests):0.00}; {scans / seconds:0} scans/s");
    }

    private static async Task<HttpClient> NewTenantClientAsync(Host host, string tenant)
    {
        using var admin = new HttpClient { BaseAddress = host.Client.BaseAddress };
        admin.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, AdminKey);
        (await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { name = tenant })).EnsureSuccessStatusCode();
        using var created = await admin.PostAsJsonAsync($"/api/admin/tenants/{tenant}/keys", new { });
        created.EnsureSuccessStatusCode();
        var client = new HttpClient { BaseAddress = host.Client.BaseAddress, Timeout = host.Client.Timeout };
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());
        return client;
    }
}
