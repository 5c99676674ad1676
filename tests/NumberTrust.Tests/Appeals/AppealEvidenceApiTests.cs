using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// Evidence files through the HTTP API against Azurite's blob service: content sniffing, limits, hostile names and bodies that leave
/// nothing behind, SHA-256 on the appeal, the checklist, download by the owning tenant only, replacement and deletion.
/// </summary>
public sealed class AppealEvidenceApiTests : IAsyncLifetime
{
    private static readonly byte[] PdfFile = [.. "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"u8];
    private static readonly byte[] PngFile = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private static readonly byte[] JpegFile = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0];

    private readonly ScriptedLabelSource _source = new("qihoo360");
    private readonly string _tenantId = "tenant-" + Guid.NewGuid().ToString("N")[..8];
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["AzureWebJobs.LookupLabel.Disabled"] = "true" },
            services => services.AddSingleton<ILabelSource>(_source));
        _client = await _api.TenantAsync(_tenantId);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<string> DraftAsync(string number)
    {
        (await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", platforms = new[] { "qihoo360" } })).Dispose();
        _source.Script(number, "qihoo360", Labeled("fraud", "诈骗电话", 12));
        var job = Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(job, QueueMessageJson.Serialize(new LookupJobMessage(1, job, number, "CN", "Mobile", "qihoo360", DateTimeOffset.UtcNow, null, 0, null)), 1, null),
            CancellationToken.None);
        using var created = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals",
            new { platform = "qihoo360", reason = "Our hotline", contactName = "Li Wei", contactEmail = "li@example.com" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> UploadAsync(string id, string name, byte[] content, string mediaType = "application/pdf")
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await _client.PutAsync($"/api/appeals/{id}/evidence/{name}", body);
    }

    private async Task<List<string>> BlobsAsync(string id)
    {
        var names = new List<string>();
        var container = _api.Services.GetRequiredService<StorageAccount>().Container(ContainerNames.Evidence);
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{_tenantId}/{id}/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private async Task<JsonElement> AppealAsync(string id) => await _client.GetFromJsonAsync<JsonElement>("/api/appeals/" + id);

    [Fact]
    public async Task An_upload_is_kept_with_its_sha256_counts_in_the_checklist_and_downloads_for_its_tenant_only()
    {
        var id = await DraftAsync("+8613800138601");

        using (var upload = await UploadAsync(id, "business-licence", PdfFile, "application/octet-stream"))
        {
            Assert.True(upload.StatusCode == HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        }

        var appeal = await AppealAsync(id);
        var file = appeal.GetProperty("evidence").GetProperty("business-licence");
        var sha = Convert.ToHexStringLower(SHA256.HashData(PdfFile));
        Assert.Equal(sha, file.GetProperty("sha256").GetString());
        Assert.Equal("application/pdf", file.GetProperty("contentType").GetString()); // sniffed, not the header's
        Assert.Equal(PdfFile.Length, file.GetProperty("size").GetInt64());
        var packet = appeal.GetProperty("packet");
        Assert.Equal(["id-copy"], packet.GetProperty("missingEvidence").EnumerateArray().Select(e => e.GetString()));
        var licence = Assert.Single(packet.GetProperty("checklist").EnumerateArray(), c => c.GetProperty("kind").GetString() == "business-licence");
        Assert.True(licence.GetProperty("uploaded").GetBoolean());
        Assert.Equal(sha, licence.GetProperty("sha256").GetString());
        Assert.Equal([$"{_tenantId}/{id}/business-licence/{sha}"], await BlobsAsync(id));

        using var download = await _client.GetAsync($"/api/appeals/{id}/evidence/business-licence");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PdfFile, await download.Content.ReadAsByteArrayAsync());

        using var other = await _api.TenantAsync();
        using (var foreign = await other.GetAsync($"/api/appeals/{id}/evidence/business-licence"))
        {
            await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound);
        }

        var body = new ByteArrayContent(PngFile);
        using var foreignPut = await other.PutAsync($"/api/appeals/{id}/evidence/id-copy", body);
        await ProblemAssert.IsProblemAsync(foreignPut, HttpStatusCode.NotFound);
        Assert.Single(await BlobsAsync(id));
    }

    [Fact]
    public async Task Hostile_uploads_get_clear_4xx_and_leave_nothing_behind()
    {
        var id = await DraftAsync("+8613800138602");
        byte[] executable = [.. "MZ\x90\0 this is not a pdf"u8];

        using (var disguised = await UploadAsync(id, "business-licence", executable, "application/pdf"))
        {
            var problem = await ProblemAssert.IsProblemAsync(disguised, HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("not a PDF, JPEG or PNG", problem.GetProperty("detail").GetString());
        }

        using (var empty = await UploadAsync(id, "business-licence", []))
        {
            var problem = await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.BadRequest);
            Assert.Contains("empty", problem.GetProperty("detail").GetString());
        }

        var oversized = new byte[NumberTrust.Appeals.EvidenceSniffer.MaxBytes + 1];
        PdfFile.CopyTo(oversized, 0);
        using (var large = await UploadAsync(id, "business-licence", oversized))
        {
            await ProblemAssert.IsProblemAsync(large, HttpStatusCode.RequestEntityTooLarge);
        }

        foreach (var name in new[] { "licence.pdf", "%2E%2E%2F%2E%2E%2Fsecrets", "business-licence%2Fx", "a%5Cb", "BUSINESS-LICENCE" })
        {
            using var bad = await UploadAsync(id, name, PdfFile);
            Assert.True(bad.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{name}: {(int)bad.StatusCode}");
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(await BlobsAsync(id));
        var appeal = await AppealAsync(id);
        Assert.Equal(JsonValueKind.Object, appeal.GetProperty("evidence").ValueKind);
        Assert.Empty(appeal.GetProperty("evidence").EnumerateObject());
        Assert.Single(appeal.GetProperty("transitions").EnumerateArray()); // only "created"
    }

    [Fact]
    public async Task Complete_evidence_submits_without_force_and_replace_and_delete_keep_one_blob_per_kind()
    {
        var id = await DraftAsync("+8613800138603");
        (await UploadAsync(id, "business-licence", PdfFile)).Dispose();
        (await UploadAsync(id, "id-copy", PngFile)).Dispose();
        using (var replaced = await UploadAsync(id, "id-copy", JpegFile))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }

        Assert.Equal(2, (await BlobsAsync(id)).Count);
        Assert.Equal("image/jpeg", (await AppealAsync(id)).GetProperty("evidence").GetProperty("id-copy").GetProperty("contentType").GetString());

        using (var deleted = await _client.DeleteAsync($"/api/appeals/{id}/evidence/business-licence"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Single(await BlobsAsync(id));
        using (var refused = await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { }))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
            Assert.Equal(["business-licence"], problem.GetProperty("missingEvidence").EnumerateArray().Select(e => e.GetString()));
        }

        (await UploadAsync(id, "business-licence", PdfFile)).Dispose();
        using var submit = await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { });
        Assert.True(submit.StatusCode == HttpStatusCode.OK, await submit.Content.ReadAsStringAsync());
        Assert.False((await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("forced").GetBoolean());

        (await _client.PostAsJsonAsync($"/api/appeals/{id}/withdraw", new { })).Dispose();
        using (var closed = await UploadAsync(id, "operator-bill", PdfFile))
        {
            await ProblemAssert.IsProblemAsync(closed, HttpStatusCode.Conflict);
        }

        using (var closedDelete = await _client.DeleteAsync($"/api/appeals/{id}/evidence/id-copy"))
        {
            await ProblemAssert.IsProblemAsync(closedDelete, HttpStatusCode.Conflict);
        }

        Assert.Equal(2, (await BlobsAsync(id)).Count); // a withdrawn appeal keeps what was filed
    }

    [Fact]
    public async Task Deleting_an_appeal_removes_its_blobs_and_rows_and_a_submitted_one_must_be_withdrawn_first()
    {
        const string number = "+8613800138604";
        var id = await DraftAsync(number);
        (await UploadAsync(id, "business-licence", PdfFile)).Dispose();
        (await UploadAsync(id, "id-copy", PngFile)).Dispose();
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { force = true })).Dispose();

        using (var submitted = await _client.DeleteAsync("/api/appeals/" + id))
        {
            var problem = await ProblemAssert.IsProblemAsync(submitted, HttpStatusCode.Conflict);
            Assert.Equal("Submitted", problem.GetProperty("appealStatus").GetString());
        }

        using var withdrawn = await _client.PostAsJsonAsync($"/api/appeals/{id}/withdraw", new { });
        var etag = withdrawn.Headers.ETag!.Tag;
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/updates", new { note = "filed away" })).Dispose();
        using (var stale = new HttpRequestMessage(HttpMethod.Delete, "/api/appeals/" + id))
        {
            stale.Headers.TryAddWithoutValidation("If-Match", etag);
            await ProblemAssert.IsProblemAsync(await _client.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        }

        Assert.Equal(2, (await BlobsAsync(id)).Count);
        using (var deleted = await _client.DeleteAsync("/api/appeals/" + id))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Empty(await BlobsAsync(id));
        Assert.Empty(await AppealRowsAsync(id));
        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/appeals/" + id), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _client.DeleteAsync("/api/appeals/" + id), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _client.GetAsync($"/api/appeals/{id}/evidence/id-copy"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_draft_clears_AppealOpen_so_a_new_appeal_can_be_opened_and_other_tenants_cannot_delete_it()
    {
        const string number = "+8613800138605";
        var id = await DraftAsync(number);
        using var other = await _api.TenantAsync();
        await ProblemAssert.IsProblemAsync(await other.DeleteAsync("/api/appeals/" + id), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _client.DeleteAsync("/api/appeals/not-an-id!"), HttpStatusCode.NotFound);

        using (var deleted = await _client.DeleteAsync("/api/appeals/" + id))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var facts = await _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Numbers)
            .GetEntityAsync<Azure.Data.Tables.TableEntity>(number, NumberFactsEntity.Row);
        Assert.False(facts.Value.GetBoolean(nameof(NumberFactsEntity.AppealOpen)) ?? false);
        using var again = await _client.PostAsJsonAsync($"/api/numbers/{number}/appeals",
            new { platform = "qihoo360", reason = "Our hotline", contactName = "Li Wei", contactEmail = "li@example.com" });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task A_delete_that_stopped_after_its_first_step_reads_as_gone_and_the_sweep_finishes_it()
    {
        var id = await DraftAsync("+8613800138606");
        (await UploadAsync(id, "business-licence", PdfFile)).Dispose();
        (await _client.PostAsJsonAsync($"/api/appeals/{id}/withdraw", new { })).Dispose();
        // What a crash right after the first step leaves: the row marked Deleting, its transitions and blobs still there.
        var appeals = _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Appeals);
        var row = (await appeals.GetEntityAsync<Azure.Data.Tables.TableEntity>(_tenantId, NumberTrust.Appeals.AppealEntity.RowPrefix + id)).Value;
        row["Deleting"] = true;
        row["UpdatedAt"] = DateTimeOffset.UtcNow - NumberTrust.Appeals.AppealSweeper.OutboxGrace - TimeSpan.FromSeconds(5);
        await appeals.UpdateEntityAsync(row, row.ETag);

        await ProblemAssert.IsProblemAsync(await _client.GetAsync("/api/appeals/" + id), HttpStatusCode.NotFound);
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/appeals");
        Assert.DoesNotContain(id, list.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.Single(await BlobsAsync(id));

        var now = DateTimeOffset.UtcNow;
        await FunctionTable.RunTimerAsync(FunctionNames.AppealSweepTimer, _api.Services, new TimerTick(now, false, null, now.AddMinutes(15)), CancellationToken.None);

        Assert.Empty(await BlobsAsync(id));
        Assert.Empty(await AppealRowsAsync(id));
    }

    private async Task<List<string>> AppealRowsAsync(string id)
    {
        var rows = new List<string>();
        var appeals = _api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Appeals);
        await foreach (var row in appeals.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == _tenantId, select: ["RowKey"]))
        {
            if (row.RowKey.Contains(id, StringComparison.Ordinal) && !row.RowKey.StartsWith("event|", StringComparison.Ordinal))
            {
                rows.Add(row.RowKey);
            }
        }

        return rows;
    }
}
