using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Appeals;

/// <summary>The appeal workflow through the HTTP API against Azurite: creation and its refusals, transitions, ETags, AppealOpen.</summary>
public sealed class AppealsApiTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?>
            {
                ["AzureWebJobs.LookupLabel.Disabled"] = "true",
                // The state machine alone: evidence and the frequency limit are AppealRulesApiTests' subject.
                ["Appeals:Routes:qihoo360:RequiredEvidence"] = "",
                ["Appeals:Routes:qihoo360:FrequencyLimitDays"] = "0",
            },
            services => services.AddSingleton<ILabelSource>(_source));
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private TableClient Numbers => _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Numbers);

    private async Task RegisterLabeledAsync(string number, string platform = "qihoo360")
    {
        using var put = await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360", "baidu" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        _source.Script(number, platform, Labeled("fraud", "诈骗电话", 12, "360手机卫士"));
        var id = Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, number, "CN", "Mobile", platform, DateTimeOffset.UtcNow, null, 0, null)), 1, null),
            CancellationToken.None);
    }

    private static object Draft(string platform = "qihoo360") => new
    {
        platform,
        reason = "Legitimate customer service line",
        contactName = "Li Wei",
        contactPhone = "+8613900000000",
        companyName = "Example Co",
        registrationId = "91310000MA1K000000",
        text = "We are a registered business.",
    };

    private async Task<(string Id, string ETag, JsonElement Body)> CreateAsync(string number)
    {
        using var response = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals", Draft());
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal("/api/appeals/" + id, response.Headers.Location?.OriginalString);
        var etag = (await GetAsync(id)).ETag;
        return (id, etag, body);
    }

    private async Task<(JsonElement Body, string ETag)> GetAsync(string id)
    {
        using var response = await _client.GetAsync("/api/appeals/" + id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _client.SendAsync(request);
    }

    private async Task<bool> AppealOpenAsync(string number) =>
        (await Numbers.GetEntityAsync<TableEntity>(number, NumberFactsEntity.Row)).Value.GetBoolean(nameof(NumberFactsEntity.AppealOpen)) ?? false;

    [Fact]
    public async Task Create_refuses_a_number_not_labeled_on_the_platform()
    {
        const string number = "+8613800138301";
        await RegisterLabeledAsync(number);

        using var response = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals", Draft("baidu"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not labeled on baidu", problem.GetProperty("detail").GetString());
        Assert.False(await AppealOpenAsync(number));
    }

    [Fact]
    public async Task Create_refuses_a_second_open_appeal_and_sets_AppealOpen()
    {
        const string number = "+8613800138302";
        await RegisterLabeledAsync(number);
        var (id, _, body) = await CreateAsync(number);
        Assert.Equal("Draft", body.GetProperty("status").GetString());
        Assert.True(await AppealOpenAsync(number));

        using var second = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals", Draft());

        var problem = await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Equal(id, problem.GetProperty("openAppealId").GetString());
    }

    [Fact]
    public async Task Create_validates_its_body()
    {
        const string number = "+8613800138303";
        await RegisterLabeledAsync(number);

        using var response = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals", new { platform = "nowhere" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("platform", out _));
        Assert.True(errors.TryGetProperty("reason", out _));
        Assert.True(errors.TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task Transitions_are_recorded_with_who_when_and_why_and_closing_clears_AppealOpen()
    {
        const string number = "+8613800138304";
        await RegisterLabeledAsync(number);
        var (id, etag, _) = await CreateAsync(number);

        using (var submit = await PostAsync($"/api/appeals/{id}/submit", new { actor = "ops@example.com" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        }

        using (var review = await PostAsync($"/api/appeals/{id}/updates", new { status = "InReview", ticketNumber = "T-42" }))
        {
            Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        }

        using (var removed = await PostAsync($"/api/appeals/{id}/updates", new { status = "Removed" }))
        {
            var body = await removed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("InReview", body.GetProperty("status").GetString());
            Assert.Contains("awaiting verification", body.GetProperty("note").GetString());
        }

        Assert.True(await AppealOpenAsync(number));
        using (var rejected = await PostAsync($"/api/appeals/{id}/updates", new { status = "Rejected", reason = "insufficient evidence" }))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }

        var (appeal, _) = await GetAsync(id);
        Assert.Equal("Rejected", appeal.GetProperty("status").GetString());
        Assert.Equal("T-42", appeal.GetProperty("ticketNumber").GetString());
        Assert.Equal("insufficient evidence", appeal.GetProperty("rejectionReason").GetString());
        Assert.True(appeal.GetProperty("submittedAt").ValueKind == JsonValueKind.String);
        Assert.True(appeal.GetProperty("responseSeconds").GetDouble() >= 0);
        var transitions = appeal.GetProperty("transitions").EnumerateArray().ToList();
        Assert.Equal(["Draft", "Submitted", "InReview", "InReview", "Rejected"], transitions.Select(t => t.GetProperty("to").GetString()));
        Assert.Equal("ops@example.com", transitions[1].GetProperty("actor").GetString());
        Assert.Contains("insufficient evidence", transitions[4].GetProperty("why").GetString());
        Assert.False(await AppealOpenAsync(number));
    }

    [Fact]
    public async Task A_stale_If_Match_gets_412_and_changes_nothing()
    {
        const string number = "+8613800138305";
        await RegisterLabeledAsync(number);
        var (id, etag, _) = await CreateAsync(number);
        using (var note = await PostAsync($"/api/appeals/{id}/updates", new { note = "called the platform" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, note.StatusCode);
        }

        using var stale = await PostAsync($"/api/appeals/{id}/submit", new { }, etag);

        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        var (appeal, _) = await GetAsync(id);
        Assert.Equal("Draft", appeal.GetProperty("status").GetString());
        Assert.Equal("called the platform", appeal.GetProperty("note").GetString());
        Assert.Equal(2, appeal.GetProperty("transitions").GetArrayLength());
    }

    [Fact]
    public async Task Invalid_transitions_get_409()
    {
        const string number = "+8613800138306";
        await RegisterLabeledAsync(number);
        var (id, _, _) = await CreateAsync(number);

        using var review = await PostAsync($"/api/appeals/{id}/updates", new { status = "InReview" });
        await ProblemAssert.IsProblemAsync(review, HttpStatusCode.Conflict);

        using (var withdraw = await PostAsync($"/api/appeals/{id}/withdraw", new { why = "filed by mistake" }))
        {
            Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        }

        using var submit = await PostAsync($"/api/appeals/{id}/submit", new { });
        await ProblemAssert.IsProblemAsync(submit, HttpStatusCode.Conflict);
        Assert.False(await AppealOpenAsync(number));
    }

    [Fact]
    public async Task A_rejected_appeal_reopens_as_a_new_linked_draft()
    {
        const string number = "+8613800138307";
        await RegisterLabeledAsync(number);
        var (id, _, _) = await CreateAsync(number);
        using (var early = await PostAsync($"/api/appeals/{id}/reopen", new { }))
        {
            await ProblemAssert.IsProblemAsync(early, HttpStatusCode.UnprocessableEntity);
        }

        (await PostAsync($"/api/appeals/{id}/submit", new { })).Dispose();
        (await PostAsync($"/api/appeals/{id}/updates", new { status = "Rejected", reason = "licence unreadable" })).Dispose();

        using var reopen = await PostAsync($"/api/appeals/{id}/reopen", new { });

        Assert.Equal(HttpStatusCode.Created, reopen.StatusCode);
        var body = await reopen.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("reopenedFrom").GetString());
        Assert.Equal("Draft", body.GetProperty("status").GetString());
        Assert.NotEqual(id, body.GetProperty("id").GetString());
        Assert.True(await AppealOpenAsync(number));
    }

    [Fact]
    public async Task Appeals_are_listed_filtered_and_paged_and_belong_to_their_tenant()
    {
        const string first = "+8613800138308";
        const string second = "+8613800138309";
        await RegisterLabeledAsync(first);
        await RegisterLabeledAsync(second);
        var (a, _, _) = await CreateAsync(first);
        var (b, _, _) = await CreateAsync(second);
        (await PostAsync($"/api/appeals/{b}/submit", new { })).Dispose();

        var page = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?pageSize=1");
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        var token = page.GetProperty("continuationToken").GetString();
        var next = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?pageSize=1&continuationToken=" + Uri.EscapeDataString(token!));
        Assert.Equal(
            new[] { a, b }.Order(),
            new[] { page, next }.Select(p => p.GetProperty("items")[0].GetProperty("id").GetString()!).Order());
        var submitted = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?status=Submitted");
        Assert.Equal(b, Assert.Single(submitted.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        var byNumber = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?number=" + Uri.EscapeDataString(first));
        Assert.Equal(a, Assert.Single(byNumber.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        using (var bad = await _client.GetAsync("/api/appeals?status=Lost"))
        {
            await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest);
        }

        using var other = await _api.TenantAsync();
        using var foreign = await other.GetAsync("/api/appeals/" + a);
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound);
        var empty = await other.GetFromJsonAsync<JsonElement>("/api/appeals");
        Assert.Equal(0, empty.GetProperty("items").GetArrayLength());
    }
}
