using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Lookups;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Scanning;

public sealed class ScanPipelineTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                // The planner timer stays quiet (tests drive the planner directly); queue workers run as in production.
                [ScheduleSettings.ScanPlanner] = "0 0 0 1 1 *",
                ["Scanning:UnreadableAfter"] = "2",
            },
            services => services.AddSingleton<ILabelSource>(_source));
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private StorageAccount Storage => _api.Services.GetRequiredService<StorageAccount>();

    private async Task<JsonElement> ScanAndWaitAsync(string number)
    {
        var post = await _client.PostAsync($"/api/numbers/{number}/scans", null);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        return await WaitForRunAsync(_client, post.Headers.Location!.OriginalString);
    }

    private async Task<List<TableEntity>> RowsAsync(string number, string prefix)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Storage.Table(TableNames.Numbers).QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {number} and RowKey ge {prefix} and RowKey lt {prefix + "~"}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task An_on_demand_scan_records_labels_per_platform_with_status_history_and_events()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138000", new { displayName = "sales" });
        _source.Script("+8613800138000", "qihoo360", Labeled("sales", "广告推销", 120, "360手机卫士"));

        var run = await ScanAndWaitAsync("13800138000");

        Assert.Equal(2, run.GetProperty("totalJobs").GetInt32());
        Assert.All(run.GetProperty("platforms").EnumerateArray(), p => Assert.Equal(1, p.GetProperty("done").GetInt32()));
        var number = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000");
        Assert.True(number.GetProperty("labeled").GetBoolean());
        Assert.Equal("sales", number.GetProperty("worstCategory").GetString());
        Assert.Equal(46, number.GetProperty("trustScore").GetInt32()); // 1 - 0.9 × 0.6
        var labels = number.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("platform").GetString()!);
        Assert.Equal("Labeled", labels["qihoo360"].GetProperty("state").GetString());
        Assert.Equal("广告推销", labels["qihoo360"].GetProperty("labelText").GetString());
        Assert.Equal(120, labels["qihoo360"].GetProperty("reportCount").GetInt32());
        Assert.Equal("360手机卫士", labels["qihoo360"].GetProperty("sourceApp").GetString());
        Assert.Equal("Clean", labels["baidu"].GetProperty("state").GetString());

        var history = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000/history?platform=qihoo360");
        Assert.True(history.GetProperty("items").GetArrayLength() == 1, history.ToString());
        var entry = history.GetProperty("items")[0];
        Assert.Equal("Labeled", entry.GetProperty("toState").GetString());

        var alerts = (await Storage.Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        var alert = Assert.Single(alerts);
        var message = JsonDocument.Parse(alert.Body.ToString()).RootElement;
        Assert.Equal("label.new", message.GetProperty("type").GetString());
        Assert.Equal("+8613800138000", message.GetProperty("number").GetString());
        Assert.Equal("qihoo360", message.GetProperty("platform").GetString());

        var labeled = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?labeled=true&platform=qihoo360&category=sales");
        Assert.Single(labeled.GetProperty("items").EnumerateArray());
        var notOnBaidu = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?platform=baidu");
        Assert.Empty(notOnBaidu.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Redelivered_jobs_never_duplicate_history_or_events()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138001", new { platforms = new[] { "qihoo360" } });
        _source.Script("+8613800138001", "qihoo360", Labeled("fraud", "诈骗电话", 3));
        var worker = _api.Services.GetRequiredService<LookupWorker>();
        var job = new LookupJobMessage(1, "job-dup", "+8613800138001", "CN", "Mobile", "qihoo360", DateTimeOffset.UtcNow, null, 0);
        var body = QueueMessageJson.Serialize(job);

        await worker.RunAsync(new QueueMessageContext("m1", body, 1, null), CancellationToken.None);
        await worker.RunAsync(new QueueMessageContext("m1", body, 2, null), CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => worker.RunAsync(new QueueMessageContext("m1", body, 3 + i, null), CancellationToken.None)));

        Assert.Single(await RowsAsync("+8613800138001", "hist|"));
        Assert.Single(await RowsAsync("+8613800138001", "event|"));
        Assert.Equal(1, _source.CallsFor("+8613800138001", "qihoo360"));
        var alerts = (await Storage.Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        Assert.Single(alerts, a => a.Body.ToString().Contains("job-dup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_keeps_the_last_known_state_and_counts_the_streak()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138002", new { platforms = new[] { "baidu" } });
        _source.Script("+8613800138002", "baidu",
            Labeled("harassment", "骚扰电话", 50), Unknown("Captcha"), Unknown("Blocked"), Unknown("Timeout"));

        for (var i = 0; i < 4; i++)
        {
            await ScanAndWaitAsync("13800138002");
        }

        var number = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138002");
        var baidu = Assert.Single(number.GetProperty("labels").EnumerateArray());
        Assert.Equal("Labeled", baidu.GetProperty("state").GetString());
        Assert.Equal("harassment", baidu.GetProperty("category").GetString());
        Assert.Equal(3, baidu.GetProperty("consecutiveUnknowns").GetInt32());
        Assert.Equal("Timeout", baidu.GetProperty("lastUnknownReason").GetString());
        var events = (await RowsAsync("+8613800138002", "event|")).Select(e => e.GetString("Type")).Order().ToList();
        Assert.Equal(["NewLabel", "Unreadable"], events);
        Assert.Single(await RowsAsync("+8613800138002", "hist|"));
    }

    [Fact]
    public async Task A_rate_limited_lookup_is_rescheduled_not_recorded()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138003", new { platforms = new[] { "qihoo360" } });
        _source.Script("+8613800138003", "qihoo360", Unknown("RateLimited", TimeSpan.FromMilliseconds(200)), Labeled("sales", "推销", 1));

        var run = await ScanAndWaitAsync("13800138003");

        Assert.Equal(1, run.GetProperty("platforms")[0].GetProperty("done").GetInt32());
        Assert.Equal(2, _source.CallsFor("+8613800138003", "qihoo360"));
        var state = Assert.Single(await RowsAsync("+8613800138003", "label|"));
        Assert.Equal("Labeled", state.GetString("State"));
        Assert.Equal(0, state.GetInt32("ConsecutiveUnknowns"));
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_poisoned_with_its_reason_visible_through_the_api()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138004", new { platforms = new[] { "qihoo360" } });
        _source.Fail("+8613800138004", "qihoo360", new InvalidOperationException("adapter exploded"));

        var post = await _client.PostAsync("/api/numbers/13800138004/scans", null);
        var location = post.Headers.Location!.OriginalString;
        JsonElement run;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        do
        {
            await Task.Delay(200);
            run = await _client.GetFromJsonAsync<JsonElement>(location);
            Assert.True(DateTime.UtcNow < deadline, $"the job was never poisoned: {run}");
        }
        while (!run.GetProperty("finished").GetBoolean());

        Assert.Equal(1, run.GetProperty("platforms")[0].GetProperty("failed").GetInt32());
        Assert.Contains("adapter exploded", run.GetProperty("problems")[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        var number = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138004");
        var label = Assert.Single(number.GetProperty("labels").EnumerateArray());
        Assert.Contains("adapter exploded", label.GetProperty("lastFailure").GetString(), StringComparison.Ordinal);
        Assert.Equal("Unknown", label.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_planner_looks_a_number_up_once_per_platform_for_every_watching_tenant()
    {
        using var other = await _api.TenantAsync();
        await _client.PutAsJsonAsync("/api/numbers/13800138005", new { platforms = new[] { "qihoo360" } });
        await other.PutAsJsonAsync("/api/numbers/+8613800138005", new { cadence = "daily" });
        _source.Script("+8613800138005", "baidu", Labeled("fraud", "诈骗电话", 7));
        var planner = _api.Services.GetRequiredService<ScanPlanner>();

        await planner.TickAsync(new TimerTick(DateTimeOffset.UtcNow, false, null, DateTimeOffset.UtcNow), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_source.CallsFor("+8613800138005", "baidu") + _source.CallsFor("+8613800138005", "qihoo360") < 2 ||
               (await RowsAsync("+8613800138005", "label|")).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "planned lookups did not run");
            await Task.Delay(100);
        }

        await Task.Delay(500);
        Assert.Equal(1, _source.CallsFor("+8613800138005", "qihoo360"));
        Assert.Equal(1, _source.CallsFor("+8613800138005", "baidu"));
        var mine = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138005");
        var theirs = await other.GetFromJsonAsync<JsonElement>("/api/numbers/13800138005");
        Assert.Equal("fraud", mine.GetProperty("worstCategory").GetString());
        Assert.Equal("fraud", theirs.GetProperty("worstCategory").GetString());

        // The entry moved to the next due time (daily: the other tenant asked for it), so a second tick plans nothing now.
        await planner.TickAsync(new TimerTick(DateTimeOffset.UtcNow, false, null, DateTimeOffset.UtcNow), CancellationToken.None);
        await Task.Delay(1000);
        Assert.Equal(1, _source.CallsFor("+8613800138005", "baidu"));
        var due = new List<DueEntryEntity>();
        await foreach (var e in Storage.Table(TableNames.ScanSchedule).QueryAsync<DueEntryEntity>(TableClient.CreateQueryFilter($"RowKey eq {"+8613800138005"}")))
        {
            due.Add(e);
        }

        var next = Assert.Single(due);
        Assert.InRange(next.DueAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
    }

    [Fact]
    public async Task Tenant_summaries_come_from_the_facts_row_and_from_the_state_where_an_older_row_has_no_category()
    {
        const string number = "+8613800138016";
        await _client.PutAsJsonAsync("/api/numbers/13800138016", new { displayName = "support" });
        _source.Script(number, "qihoo360", Labeled("fraud", "诈骗电话", 9), Labeled("fraud", "诈骗电话", 9), Clean());
        _source.Script(number, "baidu", Clean(), Labeled("sales", "广告推销", 4));
        var numbers = Storage.Table(TableNames.Numbers);

        await ScanAndWaitAsync("13800138016");
        Assert.Equal([number], await ListedAsync("category=fraud"));
        var facts = (await numbers.GetEntityAsync<TableEntity>(number, NumberFactsEntity.Row)).Value;
        Assert.Equal("fraud", facts.GetString(LabelFingerprint.LabelPropertyFor("qihoo360")));
        Assert.Equal("", facts.GetString(LabelFingerprint.LabelPropertyFor("baidu")));

        // A facts row from before categories were copied onto it: qihoo360 has its digest but no category. Only baidu changes in
        // the next scan, and the summary it refreshes must still show qihoo360's label, read from its state.
        facts.Remove(LabelFingerprint.LabelPropertyFor("qihoo360"));
        await numbers.UpdateEntityAsync(facts, facts.ETag, TableUpdateMode.Replace);
        await ScanAndWaitAsync("13800138016");
        Assert.Equal([number], await ListedAsync("category=fraud"));
        Assert.Equal([number], await ListedAsync("category=sales"));
        Assert.Equal([number], await ListedAsync("labeled=true&platform=qihoo360"));

        // qihoo360 clears: the summary drops it and keeps baidu's label.
        await ScanAndWaitAsync("13800138016");
        Assert.Empty(await ListedAsync("category=fraud"));
        Assert.Empty(await ListedAsync("labeled=true&platform=qihoo360"));
        Assert.Equal([number], await ListedAsync("labeled=true&platform=baidu&category=sales"));
        facts = (await numbers.GetEntityAsync<TableEntity>(number, NumberFactsEntity.Row)).Value;
        Assert.Equal("", facts.GetString(LabelFingerprint.LabelPropertyFor("qihoo360")));
        Assert.Equal("sales", facts.GetString(LabelFingerprint.LabelPropertyFor("baidu")));
    }

    private async Task<List<string>> ListedAsync(string query)
    {
        var page = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers?{query}");
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()!).ToList();
    }

    [Theory]
    [InlineData("scan-0000")]
    [InlineData("scan-00000000000000000000000000000000")]
    [InlineData("'; drop table")]
    public async Task Unknown_scans_are_404(string id)
    {
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/scans/" + Uri.EscapeDataString(id)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_tenants_scan_is_404()
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138006", new { });
        var post = await _client.PostAsync("/api/numbers/13800138006/scans", null);
        using var other = await _api.TenantAsync();

        await ProblemAssert.IsProblemAsync(await other.GetAsync(post.Headers.Location!.OriginalString), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await other.PostAsync("/api/numbers/13800138006/scans", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await other.GetAsync("/api/numbers/13800138006/history"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_tenant_wide_scan_expands_to_every_number_and_finishes()
    {
        using var tenant = await _api.TenantAsync();
        var csv = "number\n" + string.Join("\n", Enumerable.Range(0, 150).Select(i => $"1390000{i:D4}"));
        var import = await tenant.PostAsync("/api/numbers/import", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(150, (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());

        var post = await tenant.PostAsync("/api/scans", null);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var accepted = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("createdAt").GetString();
        JsonElement run;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        do
        {
            await Task.Delay(250);
            run = await tenant.GetFromJsonAsync<JsonElement>(post.Headers.Location!.OriginalString);
            Assert.True(DateTime.UtcNow < deadline, $"tenant scan did not finish: {run}");
        }
        while (!run.GetProperty("finished").GetBoolean());

        Assert.Equal(300, run.GetProperty("totalJobs").GetInt32());
        Assert.Equal(accepted, run.GetProperty("createdAt").GetString()); // the 202 and the run agree to the tick
        Assert.Equal(300, run.GetProperty("platforms").EnumerateArray().Sum(p => p.GetProperty("done").GetInt32()));
    }

    [Fact]
    public async Task A_page_expanded_again_after_a_crash_keeps_the_outcomes_already_recorded()
    {
        using var tenant = await _api.TenantAsync();
        var csv = "number\n" + string.Join("\n", Enumerable.Range(0, 30).Select(i => $"1390001{i:D4}"));
        await tenant.PostAsync("/api/numbers/import", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        var location = (await tenant.PostAsync("/api/scans", null)).Headers.Location!.OriginalString;
        var first = await WaitForRunAsync(tenant, location);
        Assert.Equal(60, first.GetProperty("platforms").EnumerateArray().Sum(p => p.GetProperty("done").GetInt32()));

        // The host died after expanding the only page but before moving the run's cursor: the header is as it was before the
        // page, and the page's message comes back.
        var runs = Storage.Table(TableNames.ScanRuns);
        var runId = location[(location.LastIndexOf('/') + 1)..];
        var header = (await runs.GetEntityAsync<ScanRunEntity>(runId, ScanRunEntity.HeaderRow)).Value;
        header.Expanded = false;
        header.Cursor = null;
        header.TotalJobs = 0;
        await runs.UpdateEntityAsync(header, header.ETag, TableUpdateMode.Replace);
        var scans = _api.Services.GetRequiredService<ScanRunExpander>();
        var page = QueueMessageJson.Serialize(new ExpandScanRunMessage(ExpandScanRunMessage.CurrentVersion, runId, header.TenantId));
        await scans.ExpandAsync(new QueueMessageContext("m-again", page, 2, DateTimeOffset.UtcNow), CancellationToken.None);

        // No outcome went back to queued, and the re-sent jobs (same ids) are recognised by the worker.
        var again = await tenant.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(0, again.GetProperty("platforms").EnumerateArray().Sum(p => p.GetProperty("queued").GetInt32()));
        var done = await WaitForRunAsync(tenant, location);
        Assert.Equal(60, done.GetProperty("totalJobs").GetInt32());
        Assert.Equal(60, done.GetProperty("platforms").EnumerateArray().Sum(p => p.GetProperty("done").GetInt32()));
        Assert.Equal(2, _source.CallsFor("+8613900010000", "qihoo360") + _source.CallsFor("+8613900010000", "baidu"));
    }

    [Fact]
    public async Task A_poisoned_expansion_ends_the_run_with_its_reason()
    {
        using var tenant = await _api.TenantAsync();
        await tenant.PutAsJsonAsync("/api/numbers/13900020000", new { });
        var location = (await tenant.PostAsync("/api/scans", null)).Headers.Location!.OriginalString;
        await WaitForRunAsync(tenant, location);
        var runs = Storage.Table(TableNames.ScanRuns);
        var scans = _api.Services.GetRequiredService<ScanRunExpander>();
        var runId = location[(location.LastIndexOf('/') + 1)..];
        var header = (await runs.GetEntityAsync<ScanRunEntity>(runId, ScanRunEntity.HeaderRow)).Value;

        // A late poisoned copy of a page of a run that expanded fully changes nothing.
        var page = QueueMessageJson.Serialize(new ExpandScanRunMessage(ExpandScanRunMessage.CurrentVersion, runId, header.TenantId));
        await scans.HandlePoisonAsync(new QueueMessageContext("p1", page, 1, DateTimeOffset.UtcNow), CancellationToken.None);
        var healthy = await tenant.GetFromJsonAsync<JsonElement>(location);
        Assert.False(healthy.TryGetProperty("failure", out _), healthy.ToString());

        // A run stuck on a page that kept failing: the run ends, says why, and a late duplicate of the page expands nothing.
        header.Expanded = false;
        header.Cursor = "+8613900020000";
        await runs.UpdateEntityAsync(header, header.ETag, TableUpdateMode.Replace);
        // A page poisoned by crashes (each kill costs a dequeue) is first sent again, later, as a new message.
        var queue = Storage.Queue(QueueNames.ScanRuns);
        var crashed = QueueMessageJson.Serialize(new ExpandScanRunMessage(ExpandScanRunMessage.CurrentVersion, runId, header.TenantId, "+8613900020000"));
        await scans.HandlePoisonAsync(new QueueMessageContext("p0", crashed, 1, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.False((await tenant.GetFromJsonAsync<JsonElement>(location)).TryGetProperty("failure", out _));
        var revived = (await queue.PeekMessagesAsync(32)).Value;
        Assert.Empty(revived); // invisible for the revival delay
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await queue.ClearMessagesAsync();

        // Still poisoned after the last revival: the run ends and says why.
        var stuck = QueueMessageJson.Serialize(
            new ExpandScanRunMessage(ExpandScanRunMessage.CurrentVersion, runId, header.TenantId, "+8613900020000", ScanRunExpander.MaxRevivals));
        await scans.HandlePoisonAsync(new QueueMessageContext("p2", stuck, 1, DateTimeOffset.UtcNow), CancellationToken.None);
        await scans.HandlePoisonAsync(new QueueMessageContext("p2", stuck, 2, DateTimeOffset.UtcNow), CancellationToken.None);
        var ended = await tenant.GetFromJsonAsync<JsonElement>(location);
        Assert.True(ended.GetProperty("finished").GetBoolean());
        Assert.Contains("after +8613900020000", ended.GetProperty("failure").GetString(), StringComparison.Ordinal);
        await scans.ExpandAsync(new QueueMessageContext("m3", stuck, 1, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(0, (await Storage.Queue(QueueNames.ScanRuns).GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // An unreadable poisoned body is logged and dropped, never thrown back at the queue.
        await scans.HandlePoisonAsync(new QueueMessageContext("p3", BinaryData.FromString("{not json"), 1, DateTimeOffset.UtcNow), CancellationToken.None);
    }

    private static async Task<JsonElement> WaitForRunAsync(HttpClient client, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>(location);
            if (run.GetProperty("finished").GetBoolean())
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"scan did not finish: {run}");
            await Task.Delay(200);
        }
    }

    [Theory]
    [InlineData("platform=BAD%20ID")]
    [InlineData("from=yesterday")]
    [InlineData("limit=0")]
    [InlineData("limit=5000")]
    public async Task History_rejects_bad_filters(string query)
    {
        await _client.PutAsJsonAsync("/api/numbers/13800138007", new { });
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/numbers/13800138007/history?" + query), HttpStatusCode.BadRequest);
    }
}
