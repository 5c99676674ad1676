using System.Net;
using System.Net.Http.Headers;
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
/// Relabel detection through lookups and the HTTP API: a label back within 90 days of a verified removal raises appeal.relabeled
/// once (also when the job is redelivered), links the resolved appeal and opens a draft follow-up that refers to its evidence.
/// </summary>
public sealed class AppealRelabelTests : IAsyncLifetime
{
    private static readonly byte[] PdfFile = [.. "%PDF-1.4\nrelabel evidence\n%%EOF"u8];

    private readonly ScriptedLabelSource _source = new("qihoo360");
    private readonly ShiftedClock _clock = new();
    private readonly string _tenantId = "tenant-" + Guid.NewGuid().ToString("N")[..8];
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
        _client = await _api.TenantAsync(_tenantId);
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

    private async Task<string> ResolvedAppealAsync(string number)
    {
        (await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360" } })).Dispose();
        await LookUpAsync(number, Labeled("fraud", "诈骗电话", 12));
        using var created = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals",
            new { platform = "qihoo360", reason = "Our hotline", contactName = "Li Wei", contactEmail = "li@example.com" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var pdf = new ByteArrayContent(PdfFile);
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        (await _client.PutAsync($"/api/appeals/{id}/evidence/business-licence", pdf)).Dispose();
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { force = true })).Dispose();
        await LookUpAsync(number, Clean());
        _clock.Offset = TimeSpan.FromHours(12.5);
        await LookUpAsync(number, Clean());
        Assert.Equal("Resolved", (await AppealAsync(id)).GetProperty("status").GetString());
        return id;
    }

    private async Task<JsonElement> AppealAsync(string id) => await _client.GetFromJsonAsync<JsonElement>("/api/appeals/" + id);

    private async Task<List<NotificationEvent>> RelabeledEventsAsync(string appealId)
    {
        var queue = _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts);
        var found = new List<NotificationEvent>();
        foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
        {
            var e = QueueMessageJson.Deserialize<NotificationEvent>(message.Body, NotificationEvent.CurrentVersion);
            if (e.Type == EventTypes.Relabeled && e.Data?["appealId"]?.GetValue<string>() == appealId)
            {
                found.Add(e);
            }
        }

        return found;
    }

    [Fact]
    public async Task A_label_back_within_90_days_raises_relabeled_once_and_opens_a_linked_follow_up_with_the_evidence()
    {
        const string number = "+8613800138701";
        var id = await ResolvedAppealAsync(number);

        _clock.Offset = TimeSpan.FromDays(20);
        var job = await LookUpAsync(number, Labeled("harassment", "骚扰电话", 3));
        await LookUpAsync(number, Labeled("harassment", "骚扰电话", 3), job); // redelivery
        await LookUpAsync(number, Labeled("harassment", "骚扰电话", 4)); // a later check of the same label

        var resolved = await AppealAsync(id);
        Assert.Equal("Resolved", resolved.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, resolved.GetProperty("relabeledAt").ValueKind);
        var followUpId = resolved.GetProperty("followUpId").GetString()!;
        var followUp = await AppealAsync(followUpId);
        Assert.Equal("Draft", followUp.GetProperty("status").GetString());
        Assert.Equal(id, followUp.GetProperty("followUpOf").GetString());
        Assert.Equal("骚扰电话", followUp.GetProperty("labelText").GetString());
        var licence = followUp.GetProperty("evidence").GetProperty("business-licence");
        Assert.Equal(resolved.GetProperty("evidence").GetProperty("business-licence").GetProperty("sha256").GetString(), licence.GetProperty("sha256").GetString());
        Assert.Equal(id, licence.GetProperty("copiedFrom").GetString());
        Assert.DoesNotContain("business-licence", followUp.GetProperty("packet").GetProperty("missingEvidence").EnumerateArray().Select(e => e.GetString()));
        using (var download = await _client.GetAsync($"/api/appeals/{followUpId}/evidence/business-licence"))
        {
            Assert.Equal(PdfFile, await download.Content.ReadAsByteArrayAsync());
        }

        var relabeled = Assert.Single(await RelabeledEventsAsync(id));
        Assert.Equal($"appeal-{id}-relabeled", relabeled.EventId);
        Assert.Equal(followUpId, relabeled.Data!["followUpAppealId"]!.GetValue<string>());
        Assert.Equal(job, relabeled.Data!["jobId"]!.GetValue<string>());
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?number=" + Uri.EscapeDataString(number));
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_resolved_appeal_whose_evidence_a_follow_up_uses_is_deleted_only_after_the_follow_up()
    {
        const string number = "+8613800138704";
        var id = await ResolvedAppealAsync(number);
        _clock.Offset = TimeSpan.FromDays(20);
        await LookUpAsync(number, Labeled("harassment", "骚扰电话", 3));
        var followUpId = (await AppealAsync(id)).GetProperty("followUpId").GetString()!;

        using (var refused = await _client.DeleteAsync("/api/appeals/" + id))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict);
            Assert.Equal([followUpId], problem.GetProperty("usedBy").EnumerateArray().Select(e => e.GetString()));
        }

        using (var download = await _client.GetAsync($"/api/appeals/{followUpId}/evidence/business-licence"))
        {
            Assert.Equal(PdfFile, await download.Content.ReadAsByteArrayAsync()); // the refusal removed nothing
        }

        using (var followUpDeleted = await _client.DeleteAsync("/api/appeals/" + followUpId))
        {
            Assert.Equal(HttpStatusCode.NoContent, followUpDeleted.StatusCode);
        }

        using (var deleted = await _client.DeleteAsync("/api/appeals/" + id))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await _client.GetAsync("/api/appeals/" + id);
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound);
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?number=" + Uri.EscapeDataString(number));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_label_back_after_90_days_is_a_new_label_not_a_relabel()
    {
        const string number = "+8613800138702";
        var id = await ResolvedAppealAsync(number);

        _clock.Offset = TimeSpan.FromDays(91);
        await LookUpAsync(number, Labeled("fraud", "诈骗电话", 2));

        var resolved = await AppealAsync(id);
        Assert.False(resolved.TryGetProperty("followUpId", out _)); // null properties are left out
        Assert.False(resolved.TryGetProperty("relabeledAt", out _));
        Assert.Empty(await RelabeledEventsAsync(id));
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?number=" + Uri.EscapeDataString(number));
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_crash_after_the_follow_up_was_opened_is_finished_by_the_redelivery_without_a_second_draft()
    {
        const string number = "+8613800138703";
        var id = await ResolvedAppealAsync(number);
        _clock.Offset = TimeSpan.FromDays(10);
        var store = _api.Services.GetRequiredService<NumberTrust.Appeals.AppealStore>();
        // What the first delivery left before it crashed: the follow-up draft, but no mark on the resolved appeal and no event.
        var (_, draft) = await store.CreateAsync(_tenantId, new NumberTrust.Appeals.AppealEntity
        {
            Number = number, Platform = "qihoo360", Reason = "Our hotline", FollowUpOf = id,
        }, "verifier", "relabeled", CancellationToken.None);

        await LookUpAsync(number, Labeled("fraud", "诈骗电话", 2));

        Assert.Equal(draft.Id, (await AppealAsync(id)).GetProperty("followUpId").GetString());
        Assert.Single(await RelabeledEventsAsync(id));
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/appeals?number=" + Uri.EscapeDataString(number));
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
    }
}
