using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// An appeal is Resolved only by two clean lookups at least 12 h apart (time moved by a <see cref="ShiftedClock"/>), citing them;
/// the platform's word alone never closes it, and a redelivered job neither resolves twice nor publishes a second event id.
/// </summary>
public sealed class AppealVerificationTests : IAsyncLifetime
{
    private readonly ScriptedLabelSource _source = new("qihoo360");
    private readonly ShiftedClock _clock = new();
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["AzureWebJobs.LookupLabel.Disabled"] = "true" },
            services =>
            {
                services.AddSingleton<ILabelSource>(_source);
                services.AddSingleton<TimeProvider>(_clock);
            });
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<string> LookUpAsync(string number, Observation observation, string? jobId = null)
    {
        _source.Script(number, "qihoo360", observation);
        var id = jobId ?? Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, number, "CN", "Mobile", "qihoo360", _clock.GetUtcNow(), null, 0, null)), 1, null),
            CancellationToken.None);
        return id;
    }

    private async Task<string> SubmittedAppealAsync(string number)
    {
        (await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360" } })).Dispose();
        await LookUpAsync(number, Labeled("fraud", "诈骗电话", 12));
        using var created = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals",
            new { platform = "qihoo360", reason = "Our hotline", contactName = "Li Wei", contactEmail = "li@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { force = true })).Dispose();
        return id;
    }

    private async Task<JsonElement> AppealAsync(string id) => await _client.GetFromJsonAsync<JsonElement>("/api/appeals/" + id);

    private async Task<List<NotificationEvent>> ResolvedEventsAsync(string appealId)
    {
        var queue = _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts);
        var found = new List<NotificationEvent>();
        foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
        {
            var e = QueueMessageJson.Deserialize<NotificationEvent>(message.Body, NotificationEvent.CurrentVersion);
            if (e.Type == EventTypes.AppealResolved && e.Data?["appealId"]?.GetValue<string>() == appealId)
            {
                found.Add(e);
            }
        }

        return found;
    }

    [Fact]
    public async Task Two_clean_checks_12_hours_apart_resolve_the_appeal_citing_them_once()
    {
        const string number = "+8613800138401";
        var id = await SubmittedAppealAsync(number);

        var firstJob = await LookUpAsync(number, Clean());
        _clock.Offset = TimeSpan.FromHours(6);
        await LookUpAsync(number, Clean());
        Assert.Equal("Submitted", (await AppealAsync(id)).GetProperty("status").GetString());

        _clock.Offset = TimeSpan.FromHours(12.5);
        var secondJob = await LookUpAsync(number, Clean());
        await LookUpAsync(number, Clean(), secondJob); // redelivery of the verifying job

        var appeal = await AppealAsync(id);
        Assert.Equal("Resolved", appeal.GetProperty("status").GetString());
        var transitions = appeal.GetProperty("transitions").EnumerateArray().ToList();
        var resolved = Assert.Single(transitions, t => t.GetProperty("to").GetString() == "Resolved" && t.GetProperty("from").GetString() != "Resolved");
        Assert.Contains(firstJob, resolved.GetProperty("why").GetString());
        Assert.Contains(secondJob, resolved.GetProperty("why").GetString());
        var events = await ResolvedEventsAsync(id);
        Assert.NotEmpty(events);
        Assert.Single(events.Select(e => e.EventId).Distinct());
    }

    [Fact]
    public async Task A_platform_saying_removed_while_the_label_shows_keeps_the_appeal_open()
    {
        const string number = "+8613800138402";
        var id = await SubmittedAppealAsync(number);
        await LookUpAsync(number, Clean());
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/updates", new { status = "Removed" })).Dispose();

        _clock.Offset = TimeSpan.FromHours(13);
        await LookUpAsync(number, Labeled("fraud", "诈骗电话", 12)); // the label is back: the clean run is broken
        _clock.Offset = TimeSpan.FromHours(14);
        await LookUpAsync(number, Clean());

        var appeal = await AppealAsync(id);
        Assert.Equal("Submitted", appeal.GetProperty("status").GetString());
        Assert.Contains("awaiting verification", appeal.GetProperty("note").GetString());
        Assert.Empty(await ResolvedEventsAsync(id));
    }
}
