using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Appeals;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// Per-platform appeal facts through the HTTP API against Azurite: the packet (text, checklist, URL, limit), refusals for missing
/// evidence and the frequency limit, the submitted/rejected/overdue events with stable ids, and the sweep that raises overdue once.
/// </summary>
public sealed class AppealRulesApiTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private readonly ShiftedClock _clock = new();
    private readonly string _tenantId = "tenant-" + Guid.NewGuid().ToString("N")[..8];
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                ["AzureWebJobs.LookupLabel.Disabled"] = "true",
                ["Appeals:Routes:baidu:Channel"] = "Email",
                ["Appeals:Routes:baidu:EmailAddress"] = "appeals@example.com",
                ["Appeals:Routes:baidu:RequiredEvidence"] = "call-records",
                ["Appeals:Routes:baidu:Language"] = "en-US",
            },
            services =>
            {
                services.AddSingleton<ILabelSource>(_source);
                services.AddSingleton<TimeProvider>(_clock);
            });
        _client = await _api.TenantAsync(_tenantId);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private TableClient Appeals => _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Appeals);

    private async Task<string> DraftAsync(string number, string platform = "qihoo360")
    {
        using var created = await LabeledThenCreateAsync(_api, _client, number, platform);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> LabeledThenCreateAsync(ApiFactory api, HttpClient client, string number, string platform)
    {
        (await client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360", "baidu" } })).Dispose();
        _source.Script(number, platform, Labeled("fraud", "诈骗电话", 12, "360手机卫士"));
        var job = Guid.NewGuid().ToString("N");
        await api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(job, QueueMessageJson.Serialize(new LookupJobMessage(1, job, number, "CN", "Mobile", platform, _clock.GetUtcNow(), null, 0, null)), 1, null),
            CancellationToken.None);
        return await CreateAsync(client, number, platform);
    }

    private Task<HttpResponseMessage> CreateAsync(string number, string platform = "qihoo360") => CreateAsync(_client, number, platform);

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, string number, string platform) =>
        client.PostAsJsonAsync($"/api/numbers/{number}/appeals", new
        {
            platform,
            reason = "Our customer service line",
            contactName = "Li Wei",
            contactPhone = "+8613900000000",
            companyName = "Example Co",
            registrationId = "91310000MA1K000000",
        });

    private async Task<JsonElement> AppealAsync(string id) => await _client.GetFromJsonAsync<JsonElement>("/api/appeals/" + id);

    private async Task<JsonElement> SubmitForcedAsync(string id)
    {
        using var submit = await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { force = true });
        Assert.True(submit.StatusCode == HttpStatusCode.OK, await submit.Content.ReadAsStringAsync());
        return await submit.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<List<NotificationEvent>> EventsAsync(string appealId)
    {
        var queue = _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts);
        var found = new List<NotificationEvent>();
        foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
        {
            var e = QueueMessageJson.Deserialize<NotificationEvent>(message.Body, NotificationEvent.CurrentVersion);
            if (e.Data?["appealId"]?.GetValue<string>() == appealId)
            {
                found.Add(e);
            }
        }

        return found;
    }

    private async Task<int> OutboxRowsAsync(string tenantAppealId)
    {
        var count = 0;
        await foreach (var row in Appeals.QueryAsync<TableEntity>(e => e.RowKey.CompareTo("event|") >= 0 && e.RowKey.CompareTo("event}") < 0))
        {
            count += row.RowKey.Contains(tenantAppealId, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    private Task SweepAsync() => FunctionTable.RunTimerAsync(
        FunctionNames.AppealSweepTimer, _api.Services, new TimerTick(_clock.GetUtcNow(), false, null, _clock.GetUtcNow().AddMinutes(15)), CancellationToken.None);

    [Fact]
    public async Task The_packet_holds_the_text_in_the_platforms_language_the_checklist_url_and_limit()
    {
        var id = await DraftAsync("+8613800138501");

        var packet = (await AppealAsync(id)).GetProperty("packet");

        Assert.Equal("Portal", packet.GetProperty("channel").GetString());
        Assert.Equal("https://haomashensu.360.cn", packet.GetProperty("url").GetString());
        Assert.Equal("zh-CN", packet.GetProperty("language").GetString());
        var text = packet.GetProperty("text").GetString()!;
        Assert.Contains("申诉号码：+8613800138501", text);
        Assert.Contains("当前标记：诈骗电话", text);
        Assert.Contains("统一社会信用代码：91310000MA1K000000", text);
        Assert.Equal(7, packet.GetProperty("frequencyLimitDays").GetInt32());
        Assert.Equal(3, packet.GetProperty("turnaroundWorkingDays").GetInt32());
        Assert.Equal(["business-licence", "id-copy"], packet.GetProperty("missingEvidence").EnumerateArray().Select(e => e.GetString()));
        var checklist = packet.GetProperty("checklist").EnumerateArray().ToList();
        Assert.Equal(["business-licence", "id-copy", "authorisation-letter", "operator-bill"], checklist.Select(c => c.GetProperty("kind").GetString()));
        Assert.Equal([true, true, false, false], checklist.Select(c => c.GetProperty("required").GetBoolean()));
        Assert.All(checklist, c => Assert.False(c.GetProperty("uploaded").GetBoolean()));
    }

    [Fact]
    public async Task Settings_override_a_platforms_channel_evidence_and_language()
    {
        var id = await DraftAsync("+8613800138502", "baidu");

        var packet = (await AppealAsync(id)).GetProperty("packet");

        Assert.Equal("Email", packet.GetProperty("channel").GetString());
        Assert.Equal("appeals@example.com", packet.GetProperty("emailAddress").GetString());
        Assert.Equal("https://haoma.baidu.com/appeal", packet.GetProperty("url").GetString()); // not overridden: the default stays
        Assert.Equal("en-US", packet.GetProperty("language").GetString());
        Assert.Contains("Current label: 诈骗电话", packet.GetProperty("text").GetString());
        Assert.Equal(["call-records"], packet.GetProperty("missingEvidence").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Submit_without_required_evidence_is_refused_listing_it_unless_forced_and_force_is_recorded()
    {
        var id = await DraftAsync("+8613800138503");

        using (var refused = await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { }))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
            Assert.Equal(["business-licence", "id-copy"], problem.GetProperty("missingEvidence").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("business-licence, id-copy", problem.GetProperty("detail").GetString());
        }

        Assert.Equal("Draft", (await AppealAsync(id)).GetProperty("status").GetString());
        Assert.Empty(await EventsAsync(id));

        var submitted = await SubmitForcedAsync(id);

        Assert.Equal("Submitted", submitted.GetProperty("status").GetString());
        Assert.True(submitted.GetProperty("forced").GetBoolean());
        var why = submitted.GetProperty("transitions").EnumerateArray().Last().GetProperty("why").GetString();
        Assert.Contains("force", why);
        Assert.Contains("business-licence, id-copy", why);
    }

    [Fact]
    public async Task The_frequency_limit_refuses_create_and_reopen_and_says_when_the_next_appeal_is_allowed()
    {
        const string number = "+8613800138504";
        var id = await DraftAsync(number);
        var submittedAt = (await SubmitForcedAsync(id)).GetProperty("submittedAt").GetDateTimeOffset();
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/updates", new { status = "Rejected", reason = "no licence" })).Dispose();

        using (var reopen = await _client.PostAsJsonAsync($"/api/appeals/{id}/reopen", new { }))
        {
            var problem = await ProblemAssert.IsProblemAsync(reopen, HttpStatusCode.Conflict);
            Assert.Equal(submittedAt.AddDays(7), problem.GetProperty("nextAllowedAt").GetDateTimeOffset());
            Assert.Equal(id, problem.GetProperty("lastAppealId").GetString());
            Assert.Contains("one appeal per number every 7 days", problem.GetProperty("detail").GetString());
        }

        using (var create = await CreateAsync(number))
        {
            var problem = await ProblemAssert.IsProblemAsync(create, HttpStatusCode.Conflict);
            Assert.Equal(submittedAt.AddDays(7), problem.GetProperty("nextAllowedAt").GetDateTimeOffset());
        }

        _clock.Offset = TimeSpan.FromDays(7.1);
        using var later = await _client.PostAsJsonAsync($"/api/appeals/{id}/reopen", new { });
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        var next = await later.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(submittedAt.AddDays(7), next.GetProperty("packet").GetProperty("nextAppealAllowedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Submission_and_rejection_publish_events_with_stable_ids_once()
    {
        var id = await DraftAsync("+8613800138505");
        await SubmitForcedAsync(id);
        using (var again = await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { force = true }))
        {
            await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict); // a retried submit changes nothing and raises nothing
        }

        using (var rejected = await _client.PostAsJsonAsync($"/api/appeals/{id}/updates", new { status = "Rejected", reason = "licence unreadable", ticketNumber = "T-7" }))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }

        var events = await EventsAsync(id);
        Assert.Equal([$"appeal-{id}-submitted", $"appeal-{id}-rejected"], events.Select(e => e.EventId));
        Assert.Equal([EventTypes.AppealSubmitted, EventTypes.AppealRejected], events.Select(e => e.Type));
        Assert.Equal("licence unreadable", events[1].Data!["reason"]!.GetValue<string>());
        Assert.Equal("T-7", events[1].Data!["ticketNumber"]!.GetValue<string>());
        Assert.All(events, e => Assert.Equal("qihoo360", e.Platform));
        Assert.Equal(0, await OutboxRowsAsync(id));
    }

    [Fact]
    public async Task Overdue_is_raised_once_past_the_turnaround_and_filters_the_list()
    {
        var id = await DraftAsync("+8613800138506");
        var dueAt = (await SubmitForcedAsync(id)).GetProperty("dueAt").GetDateTimeOffset();
        using (var bad = await _client.GetAsync("/api/appeals?overdue=maybe"))
        {
            await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest);
        }

        await SweepAsync();
        Assert.DoesNotContain(await EventsAsync(id), e => e.Type == EventTypes.AppealOverdue);
        Assert.DoesNotContain(id, await ListIdsAsync("overdue=true"));

        _clock.Offset = dueAt - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        Assert.Contains(id, await ListIdsAsync("overdue=true"));
        Assert.DoesNotContain(id, await ListIdsAsync("overdue=false"));
        await SweepAsync();
        await SweepAsync();

        var overdue = Assert.Single(await EventsAsync(id), e => e.Type == EventTypes.AppealOverdue);
        Assert.Equal($"appeal-{id}-overdue", overdue.EventId);
        var appeal = await AppealAsync(id);
        Assert.True(appeal.GetProperty("overdue").GetBoolean());
        Assert.Equal(JsonValueKind.String, appeal.GetProperty("overdueAt").ValueKind);
        Assert.Single(appeal.GetProperty("transitions").EnumerateArray(), t => t.GetProperty("why").GetString()!.StartsWith("overdue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_appeal_unanswered_for_ExpireAfterDays_expires_once_with_its_event_and_clears_AppealOpen()
    {
        const string number = "+8613800138509";
        var id = await DraftAsync(number);
        var submittedAt = (await SubmitForcedAsync(id)).GetProperty("submittedAt").GetDateTimeOffset();
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/updates", new { status = "InReview", ticketNumber = "T-9" })).Dispose();

        _clock.Offset = submittedAt.AddDays(60) - DateTimeOffset.UtcNow - TimeSpan.FromHours(1);
        await SweepAsync();
        Assert.Equal("InReview", (await AppealAsync(id)).GetProperty("status").GetString());

        _clock.Offset = submittedAt.AddDays(60) - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        await SweepAsync();
        await SweepAsync();

        var appeal = await AppealAsync(id);
        Assert.Equal("Expired", appeal.GetProperty("status").GetString());
        var last = appeal.GetProperty("transitions").EnumerateArray().Last();
        Assert.Equal("sweeper", last.GetProperty("actor").GetString());
        Assert.StartsWith("expired: no answer from qihoo360 60 days", last.GetProperty("why").GetString(), StringComparison.Ordinal);
        var expired = Assert.Single(await EventsAsync(id), e => e.Type == EventTypes.AppealExpired);
        Assert.Equal($"appeal-{id}-expired", expired.EventId);
        Assert.Equal("T-9", expired.Data!["ticketNumber"]!.GetValue<string>());
        var facts = await _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Numbers)
            .GetEntityAsync<TableEntity>(number, NumberTrust.Numbers.NumberFactsEntity.Row);
        Assert.False(facts.Value.GetBoolean(nameof(NumberTrust.Numbers.NumberFactsEntity.AppealOpen)) ?? false);
        using var again = await CreateAsync(number);
        Assert.True(again.StatusCode == HttpStatusCode.Created, await again.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("ExpireAfterDays", "0")]
    [InlineData("VerificationGap", "00:00:00")]
    [InlineData("VerificationGap", "8.00:00:00")]
    public async Task A_bad_appeal_setting_is_named_by_health(string setting, string value)
    {
        await using var api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["AzureWebJobs.LookupLabel.Disabled"] = "true", ["Appeals:" + setting] = value },
            services => services.AddSingleton<ILabelSource>(_source));
        using var health = await api.CreateClient().GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("Appeals:" + setting, await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_a_crash_left_in_the_outbox_is_published_by_the_sweep_once()
    {
        var id = await DraftAsync("+8613800138507");
        var appeal = await _api.Services.GetRequiredService<AppealStore>().FindAsync(_tenantId, id, CancellationToken.None);
        var raised = AppealsApi.Event(appeal!, EventTypes.AppealSubmitted, "submitted", _clock, []);
        // What a crash between the transaction and the publish leaves: the outbox row only.
        await Appeals.UpsertEntityAsync(new TableEntity(appeal!.PartitionKey, AppealEntity.EventRow(raised.EventId))
        {
            ["Body"] = QueueMessageJson.Serialize(raised).ToString(),
            ["RaisedAt"] = _clock.GetUtcNow(),
        });

        await SweepAsync();
        Assert.Empty(await EventsAsync(id)); // still within the writer's grace period
        _clock.Offset = AppealSweeper.OutboxGrace + TimeSpan.FromSeconds(5);
        await SweepAsync();
        await SweepAsync();

        Assert.Equal([$"appeal-{id}-submitted"], (await EventsAsync(id)).Select(e => e.EventId));
        Assert.Equal(0, await OutboxRowsAsync(id));
    }

    private async Task<List<string>> ListIdsAsync(string query) =>
        (await _client.GetFromJsonAsync<JsonElement>("/api/appeals?" + query)).GetProperty("items").EnumerateArray()
        .Select(a => a.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task A_bad_route_setting_is_named_by_the_appeal_endpoints_and_health()
    {
        await using var api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                ["AzureWebJobs.LookupLabel.Disabled"] = "true",
                ["Appeals:Routes:qihoo360:RequiredEvidence"] = "business-licence,passport",
                ["Appeals:Routes:qihoo360:Channel"] = "Fax",
            },
            services => services.AddSingleton<ILabelSource>(_source));
        using var client = await api.TenantAsync();

        using var create = await LabeledThenCreateAsync(api, client, "+8613800138508", "qihoo360");
        var problem = await ProblemAssert.IsProblemAsync(create, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("passport", problem.GetProperty("detail").GetString());
        Assert.Contains("Fax", problem.GetProperty("detail").GetString());
        using var health = await api.CreateClient().GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("passport", await health.Content.ReadAsStringAsync());
    }
}
