using System.Net.Http.Json;
using System.Text;
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

/// <summary>
/// The cheap path for unchanged results: the planner puts the settled state's fingerprint into each job, and a job whose
/// observation matches it records the check with one transaction and no read; anything else takes the reading path.
/// </summary>
public sealed class SettledStateTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private readonly StorageRequestLog _requests = new();
    private readonly RecordingObserver _observer = new();
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                [ScheduleSettings.ScanPlanner] = "0 0 0 1 1 *",
                // Like the Functions host's app setting: the lookup trigger is off, so planned jobs stay on the queue for the test to read.
                ["AzureWebJobs.LookupLabel.Disabled"] = "true",
            },
            services =>
            {
                services.AddSingleton<ILabelSource>(_source);
                services.AddSingleton(new StoragePipelinePolicy(_requests));
                services.AddSingleton<ILookupObserver>(_observer);
            });
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private StorageAccount Storage => _api.Services.GetRequiredService<StorageAccount>();

    private LookupWorker Worker => _api.Services.GetRequiredService<LookupWorker>();

    private static QueueMessageContext Job(string id, string number, string platform, string? expected) =>
        new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, number, "CN", "Mobile", platform, DateTimeOffset.UtcNow, null, 0, expected)), 1, null);

    private async Task<TableEntity> RowAsync(string number, string row) =>
        (await Storage.Table(TableNames.Numbers).GetEntityAsync<TableEntity>(number, row)).Value;

    private async Task<int> CountAsync(string number, string prefix)
    {
        var count = 0;
        await foreach (var _ in Storage.Table(TableNames.Numbers).QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {number} and RowKey ge {prefix} and RowKey lt {prefix + "~"}")))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void Fingerprints_of_a_state_and_of_the_observation_that_made_it_agree_and_differ_on_every_field()
    {
        var labeled = Labeled("fraud", "诈骗电话", 7, "360手机卫士");
        var state = LabelStateMachine.Apply("+8613800138000", "qihoo360", null, labeled, "j1", DateTimeOffset.UtcNow, new LookupOptions(), _ => 0).State;
        state.FollowUpPending = false;

        Assert.Equal(LabelFingerprint.Of(labeled), LabelFingerprint.Of(state));
        Assert.NotEqual(LabelFingerprint.Of(labeled), LabelFingerprint.Of(labeled with { ReportCount = 8 }));
        Assert.NotEqual(LabelFingerprint.Of(labeled), LabelFingerprint.Of(labeled with { LabelText = "骚扰电话" }));
        Assert.NotEqual(LabelFingerprint.Of(labeled), LabelFingerprint.Of(labeled with { Category = "sales" }));
        Assert.NotEqual(LabelFingerprint.Of(labeled), LabelFingerprint.Of(labeled with { SourceApp = null }));
        Assert.NotEqual(LabelFingerprint.Of(labeled), LabelFingerprint.Of(Clean()));
        Assert.NotEqual(LabelFingerprint.Of(labeled with { LabelText = "a", SourceApp = "b" }), LabelFingerprint.Of(labeled with { LabelText = "a\u001f1:b", SourceApp = null }));
        Assert.Null(LabelFingerprint.Of(Unknown("Captcha")));

        // A state the next observation must read first has no fingerprint.
        state.FollowUpPending = true;
        Assert.Equal("", LabelFingerprint.Of(state));
        state.FollowUpPending = false;
        state.ConsecutiveUnknowns = 1;
        Assert.Equal("", LabelFingerprint.Of(state));
        Assert.Equal("Fp_baidu_haoma", LabelFingerprint.PropertyFor("baidu-haoma"));
    }

    [Fact]
    public async Task An_unchanged_result_is_one_write_and_any_difference_takes_the_reading_path()
    {
        const string number = "+8613800138100";
        await _client.PutAsJsonAsync("/api/numbers/13800138100", new { platforms = new[] { "qihoo360" } });
        _source.Script(number, "qihoo360",
            Labeled("fraud", "诈骗电话", 7), Labeled("fraud", "诈骗电话", 7), Labeled("fraud", "诈骗电话", 40), Labeled("fraud", "诈骗电话", 40));

        await Worker.RunAsync(Job("j1", number, "qihoo360", null), CancellationToken.None);
        var settled = (await RowAsync(number, NumberFactsEntity.Row)).GetString(LabelFingerprint.PropertyFor("qihoo360"));
        Assert.Equal(LabelFingerprint.Of(Labeled("fraud", "诈骗电话", 7)), settled);
        var first = await RowAsync(number, LabelStateEntity.RowFor("qihoo360"));

        // Same answer as planned: one entity-group transaction (state and status row merged), no read of the state.
        _requests.Clear();
        await Worker.RunAsync(Job("j2", number, "qihoo360", settled), CancellationToken.None);
        Assert.Empty(_requests.Matching(number[1..]));
        Assert.Equal(["POST"], _requests.Matching("$batch").Select(r => r.Method).ToList());
        var checkedState = await RowAsync(number, LabelStateEntity.RowFor("qihoo360"));
        Assert.Equal("j2", checkedState.GetString("LastJobId"));
        Assert.True(checkedState.GetDateTimeOffset("LastCheckedAt") > first.GetDateTimeOffset("LastCheckedAt"));
        Assert.Equal(first.GetDateTimeOffset("LastChangedAt"), checkedState.GetDateTimeOffset("LastChangedAt"));
        Assert.Equal(1, await CountAsync(number, "hist|"));

        // The platform's answer moved on (a count jump): the job reads the state and applies the change as ever.
        await Worker.RunAsync(Job("j3", number, "qihoo360", settled), CancellationToken.None);
        var jumped = await RowAsync(number, LabelStateEntity.RowFor("qihoo360"));
        Assert.Equal(40, jumped.GetInt32("ReportCount"));
        Assert.Equal(2, await CountAsync(number, "hist|"));
        Assert.Contains(await EventTypesAsync(number), t => t == "CountJump");
        Assert.Equal(LabelFingerprint.Of(Labeled("fraud", "诈骗电话", 40)), (await RowAsync(number, NumberFactsEntity.Row)).GetString(LabelFingerprint.PropertyFor("qihoo360")));

        // A stale expectation (planned before j3 changed the state) never hides the change: it reads and finds nothing new.
        _requests.Clear();
        await Worker.RunAsync(Job("j4", number, "qihoo360", settled), CancellationToken.None);
        Assert.Contains(_requests.Matching(number[1..]), r => r.Method == "GET");
        Assert.Equal(2, await CountAsync(number, "hist|"));
        Assert.Equal("j4", (await RowAsync(number, LabelStateEntity.RowFor("qihoo360"))).GetString("LastJobId"));
    }

    [Fact]
    public async Task Observers_see_every_stored_lookup_on_each_path_and_again_on_redelivery()
    {
        const string number = "+8613800138300";
        await _client.PutAsJsonAsync("/api/numbers/13800138300", new { platforms = new[] { "qihoo360" } });
        _source.Script(number, "qihoo360", Labeled("fraud", "诈骗电话", 7), Labeled("fraud", "诈骗电话", 7), Clean(), Unknown("Captcha"));

        await Worker.RunAsync(Job("o1", number, "qihoo360", null), CancellationToken.None);
        var settled = (await RowAsync(number, NumberFactsEntity.Row)).GetString(LabelFingerprint.PropertyFor("qihoo360"));
        await Worker.RunAsync(Job("o2", number, "qihoo360", settled), CancellationToken.None); // unchanged path
        await Worker.RunAsync(Job("o3", number, "qihoo360", settled), CancellationToken.None); // reading path: cleared
        await Worker.RunAsync(Job("o3", number, "qihoo360", settled), CancellationToken.None); // redelivered after applied
        await Worker.RunAsync(Job("o4", number, "qihoo360", null), CancellationToken.None);

        Assert.Equal(["o1", "o2", "o3", "o3", "o4"], _observer.Seen.Select(l => l.JobId));
        Assert.Equal(
            [ObservedState.Labeled, ObservedState.Labeled, ObservedState.Clean, ObservedState.Clean, ObservedState.Unknown],
            _observer.Seen.Select(l => l.Seen));
        Assert.Equal("fraud", _observer.Seen[1].Category);
        Assert.NotNull(_observer.Seen[2].Observation);
        Assert.Null(_observer.Seen[3].Observation);
        Assert.All(_observer.Seen, l => Assert.Equal(number, l.Number));
        Assert.True(_observer.Seen[3].CheckedAt >= _observer.Seen[1].CheckedAt);
    }

    private sealed class RecordingObserver : ILookupObserver
    {
        private readonly List<LookupCompleted> _seen = [];

        public IReadOnlyList<LookupCompleted> Seen
        {
            get { lock (_seen) { return _seen.ToList(); } }
        }

        public Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken)
        {
            lock (_seen)
            {
                _seen.Add(lookup);
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task An_unknown_streak_clears_the_fingerprint_so_the_next_known_answer_resets_it()
    {
        const string number = "+8613800138101";
        await _client.PutAsJsonAsync("/api/numbers/13800138101", new { platforms = new[] { "baidu" } });
        _source.Script(number, "baidu", Clean(), Unknown("Captcha"), Clean());
        var property = LabelFingerprint.PropertyFor("baidu");

        await Worker.RunAsync(Job("u1", number, "baidu", null), CancellationToken.None);
        var settled = (await RowAsync(number, NumberFactsEntity.Row)).GetString(property);
        Assert.Equal(LabelFingerprint.Of(Clean()), settled);

        await Worker.RunAsync(Job("u2", number, "baidu", settled), CancellationToken.None);
        Assert.Equal("", (await RowAsync(number, NumberFactsEntity.Row)).GetString(property));
        Assert.Equal(1, (await RowAsync(number, LabelStateEntity.RowFor("baidu"))).GetInt32("ConsecutiveUnknowns"));

        // A job planned before the streak began still matches: its one write ends the streak ...
        await Worker.RunAsync(Job("u3", number, "baidu", settled), CancellationToken.None);
        var state = await RowAsync(number, LabelStateEntity.RowFor("baidu"));
        Assert.Equal(0, state.GetInt32("ConsecutiveUnknowns"));
        Assert.False(state.GetBoolean("UnreadableRaised"));
        var status = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138101");
        Assert.False(status.GetProperty("labels")[0].TryGetProperty("lastUnknownReason", out var reason) && reason.ValueKind != JsonValueKind.Null, $"{status}");

        // ... and the next job (planned without an expectation, since the fingerprint is empty) reads and restores it.
        Assert.Equal("", (await RowAsync(number, NumberFactsEntity.Row)).GetString(property));
        _source.Script(number, "baidu", Clean());
        await Worker.RunAsync(Job("u4", number, "baidu", null), CancellationToken.None);
        Assert.Equal(settled, (await RowAsync(number, NumberFactsEntity.Row)).GetString(property));
        Assert.Equal(1, await CountAsync(number, "hist|"));
    }

    [Fact]
    public async Task The_planner_puts_each_platforms_settled_fingerprint_into_its_job()
    {
        const string number = "+8613800138102";
        await _client.PutAsJsonAsync("/api/numbers/13800138102", new { });
        _source.Script(number, "qihoo360", Labeled("sales", "推销", 3));
        await Worker.RunAsync(Job("p1", number, "qihoo360", null), CancellationToken.None);
        var settled = (await RowAsync(number, NumberFactsEntity.Row)).GetString(LabelFingerprint.PropertyFor("qihoo360"));

        var planner = _api.Services.GetRequiredService<ScanPlanner>();
        await planner.TickAsync(new TimerTick(DateTimeOffset.UtcNow, false, null, DateTimeOffset.UtcNow), CancellationToken.None);
        var jobs = new List<LookupJobMessage>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (jobs.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the planner enqueued {jobs.Count} jobs");
            await Task.Delay(100);
            var peeked = (await Storage.Queue(QueueNames.Lookups).PeekMessagesAsync(32)).Value;
            jobs = peeked.Select(m => QueueMessageJson.Deserialize<LookupJobMessage>(BinaryData.FromString(m.Body.ToString()), LookupJobMessage.CurrentVersion)).Where(j => j.Number == number).ToList();
        }

        Assert.Equal(settled, Assert.Single(jobs, j => j.Platform == "qihoo360").Expected);
        Assert.Null(Assert.Single(jobs, j => j.Platform == "baidu").Expected);
    }

    private async Task<List<string?>> EventTypesAsync(string number)
    {
        var types = new List<string?>();
        await foreach (var row in Storage.Table(TableNames.Numbers).QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {number} and RowKey ge {"event|"} and RowKey lt {"event}"}")))
        {
            types.Add(row.GetString("Type"));
        }

        return types;
    }
}
