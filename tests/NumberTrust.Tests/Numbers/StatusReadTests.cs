using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Numbers;

/// <summary>
/// A status lookup is one point read of the number's status row, which carries each tenant's registration copy next to every
/// platform's state; whenever the copy could be behind the registration row (a write in progress or cut short), the row decides.
/// </summary>
public sealed class StatusReadTests : IAsyncLifetime
{
    private const string TenantId = "tenant-status";
    private readonly ScriptedLabelSource _source = new("qihoo360", "baidu");
    private readonly StorageRequestLog _requests = new();
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(
            new Dictionary<string, string?> { ["AzureWebJobs.LookupLabel.Disabled"] = "true" },
            services =>
            {
                services.AddSingleton<ILabelSource>(_source);
                services.AddSingleton(new StoragePipelinePolicy(_requests));
            });
        _client = await _api.TenantAsync(TenantId);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private StorageAccount Storage => _api.Services.GetRequiredService<StorageAccount>();

    // The lookup's own reads; an API key check (a cache miss on a loaded box) is not what these tests count.
    private IReadOnlyList<(string Method, string Uri)> Requests =>
        _requests.Tables(Storage.Prefix).Where(r => !r.Uri.Contains(TableNames.ApiKeys, StringComparison.Ordinal)).ToList();

    private TableClient Numbers => Storage.Table(TableNames.Numbers);

    private TableClient Registrations => Storage.Table(TableNames.Registrations);

    private async Task LookUpAsync(string number, string platform, Observation observation)
    {
        _source.Script(number, platform, observation);
        var id = Guid.NewGuid().ToString("N");
        await _api.Services.GetRequiredService<LookupWorker>().RunAsync(
            new(id, QueueMessageJson.Serialize(new LookupJobMessage(1, id, number, "CN", "Mobile", platform, DateTimeOffset.UtcNow, null, 0, null)), 1, null),
            CancellationToken.None);
    }

    private async Task<TableEntity> StatusRowAsync(string number) => (await Numbers.GetEntityAsync<TableEntity>(number, NumberStatusRow.Row)).Value;

    private async Task<JsonElement> GetAsync(string number, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _client.GetAsync("/api/numbers/" + Uri.EscapeDataString(number));
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_status_lookup_is_one_point_read_of_the_status_row()
    {
        const string number = "+8613800138200";
        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Sales", tags = new[] { "east" }, platforms = new[] { "qihoo360", "baidu" } });
        await LookUpAsync(number, "qihoo360", Labeled("fraud", "诈骗电话", 12, "360手机卫士"));
        await LookUpAsync(number, "baidu", Clean());

        _requests.Clear();
        var body = await GetAsync(number);

        var request = Assert.Single(Requests);
        Assert.Equal("GET", request.Method);
        Assert.Contains("/" + Storage.Prefix + TableNames.Numbers + "(", request.Uri, StringComparison.Ordinal);
        Assert.Contains("RowKey='status'", request.Uri, StringComparison.Ordinal);
        Assert.Equal("Sales", body.GetProperty("displayName").GetString());
        Assert.Equal(["east"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(body.GetProperty("labeled").GetBoolean());
        Assert.Equal(["qihoo360"], body.GetProperty("labeledPlatforms").EnumerateArray().Select(p => p.GetString()));
        var states = body.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("platform").GetString()!, l => l.GetProperty("state").GetString());
        Assert.Equal("Labeled", states["qihoo360"]);
        Assert.Equal("Clean", states["baidu"]);
    }

    [Fact]
    public async Task A_number_registered_before_its_first_lookup_is_one_read_too_and_an_unregistered_one_is_404()
    {
        await _client.PutAsJsonAsync("/api/numbers/+8613800138201", new { displayName = "New" });

        _requests.Clear();
        Assert.Equal("New", (await GetAsync("+8613800138201")).GetProperty("displayName").GetString());
        Assert.Single(Requests);

        await GetAsync("+8613800138202", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Label_changes_do_not_move_the_entity_tag()
    {
        const string number = "+8613800138203";
        using var put = await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "v1", platforms = new[] { "qihoo360" } });
        var etag = put.Headers.ETag!.ToString();

        // The lookup rewrites the registration row's label summary (its storage ETag moves), not the registration.
        await LookUpAsync(number, "qihoo360", Labeled("fraud", "诈骗电话", 3));
        Assert.True((await Registrations.GetEntityAsync<RegistrationEntity>(TenantId, number)).Value.Labeled);
        using var get = await _client.GetAsync("/api/numbers/" + number);
        Assert.Equal(etag, get.Headers.ETag!.ToString());

        using var update = new HttpRequestMessage(HttpMethod.Put, "/api/numbers/" + number) { Content = JsonContent.Create(new { displayName = "v2", platforms = new[] { "qihoo360" } }) };
        update.Headers.TryAddWithoutValidation("If-Match", etag);
        using var updated = await _client.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.Headers.ETag!.ToString());

        await LookUpAsync(number, "qihoo360", Clean());
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/numbers/" + number);
        delete.Headers.TryAddWithoutValidation("If-Match", updated.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(delete)).StatusCode);
    }

    [Fact]
    public async Task A_write_cut_short_after_its_marker_shows_the_registration_row_not_the_copy()
    {
        const string number = "+8613800138204";
        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "v1" });

        // As if a write crashed after marking the copy and replacing the registration row, before finishing the copy.
        await Numbers.UpsertEntityAsync(new TableEntity(number, NumberStatusRow.Row)
        {
            [RegistrationCopy.Property(TenantId)] = RegistrationCopy.Pending(TenantId, "crashed"),
        });
        var row = (await Registrations.GetEntityAsync<RegistrationEntity>(TenantId, number)).Value;
        row.DisplayName = "v2";
        row.Revision = "r2";
        await Registrations.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        _requests.Clear();
        Assert.Equal("v2", (await GetAsync(number)).GetProperty("displayName").GetString());
        Assert.Equal(2, Requests.Count);

        // The next write finishes a copy again.
        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "v3" });
        _requests.Clear();
        Assert.Equal("v3", (await GetAsync(number)).GetProperty("displayName").GetString());
        Assert.Single(Requests);
    }

    [Fact]
    public async Task A_registration_that_was_never_stored_is_never_shown()
    {
        const string number = "+8613800138205";
        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "kept" });
        using var other = await _api.TenantAsync("tenant-phantom");

        // Tenant-phantom's write crashed after its marker, before its registration row: and another tenant's copy is not its own.
        await Numbers.UpsertEntityAsync(new TableEntity(number, NumberStatusRow.Row)
        {
            [RegistrationCopy.Property("tenant-phantom")] = RegistrationCopy.Pending("tenant-phantom", "crashed"),
        });
        using var phantom = await other.GetAsync("/api/numbers/" + number);
        Assert.Equal(HttpStatusCode.NotFound, phantom.StatusCode);

        var stolen = (await StatusRowAsync(number)).GetString(RegistrationCopy.Property(TenantId));
        await Numbers.UpsertEntityAsync(new TableEntity(number, NumberStatusRow.Row) { [RegistrationCopy.Property("tenant-phantom")] = stolen });
        using var borrowed = await other.GetAsync("/api/numbers/" + number);
        Assert.Equal(HttpStatusCode.NotFound, borrowed.StatusCode);
    }

    [Fact]
    public async Task Concurrent_writes_leave_the_copy_equal_to_the_registration_row()
    {
        const string number = "+8613800138206";
        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "start", platforms = new[] { "qihoo360" } });

        // Writers and lookups (which merge the same status row) all at once.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            if (i % 3 == 0)
            {
                await LookUpAsync(number, "qihoo360", Labeled("spam", "骚扰电话", i));
                return;
            }

            // Contention that outlasts the store's retries is a 409 with Retry-After, never a lost or half-done write: retry as a client does.
            for (var attempt = 1; ; attempt++)
            {
                using var put = await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = $"writer {i}", platforms = new[] { "qihoo360" } });
                if (put.StatusCode == HttpStatusCode.Conflict && attempt < 10)
                {
                    Assert.NotNull(put.Headers.RetryAfter);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                    continue;
                }

                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
                break;
            }
        }));

        var stored = (await Registrations.GetEntityAsync<RegistrationEntity>(TenantId, number)).Value;
        var copy = RegistrationCopy.Registration(await StatusRowAsync(number), TenantId, number);
        Assert.True(copy is null || (copy.DisplayName == stored.DisplayName && copy.Revision == stored.Revision));
        using var get = await _client.GetAsync("/api/numbers/" + number);
        Assert.Equal(stored.DisplayName, (await get.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString());
        Assert.Equal(stored.EntityTag, get.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Delete_removes_the_copy_and_a_new_registration_brings_it_back()
    {
        const string number = "+8613800138207";
        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "first" });
        await LookUpAsync(number, "qihoo360", Clean());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/api/numbers/" + number)).StatusCode);
        var row = await StatusRowAsync(number);
        Assert.False(row.ContainsKey(RegistrationCopy.Property(TenantId)));
        Assert.NotNull(row.GetString(NumberStatusRow.CheckProperty("qihoo360"))); // the platforms' states stay
        await GetAsync(number, HttpStatusCode.NotFound);

        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "second" });
        _requests.Clear();
        Assert.Equal("second", (await GetAsync(number)).GetProperty("displayName").GetString());
        Assert.Single(Requests);
    }

    [Fact]
    public async Task Past_the_copy_limit_a_new_watcher_reads_its_registration_row()
    {
        const string number = "+8613800138208";
        var watchers = Enumerable.Range(0, RegistrationCopy.MaxCopies)
            .Select(i => new Watcher($"crowd-{i:D3}", "Auto", [], DateTimeOffset.UtcNow));
        await Numbers.AddEntityAsync(new TableEntity(number, NumberFactsEntity.Row)
        {
            [nameof(NumberFactsEntity.Region)] = "CN",
            [nameof(NumberFactsEntity.NumberType)] = "Mobile",
            [nameof(NumberFactsEntity.Watchers)] = NumberFactsEntity.Serialize(watchers),
            [nameof(NumberFactsEntity.DuePartition)] = "",
        });

        await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "one too many" });

        Assert.False((await Numbers.GetEntityIfExistsAsync<TableEntity>(number, NumberStatusRow.Row)).HasValue);
        Assert.Equal("one too many", (await GetAsync(number)).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task An_import_copies_every_registration_it_stores()
    {
        var csv = "number,displayName\n13800138210,A\n13800138211,B\n";
        using var import = await _client.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());

        _requests.Clear();
        Assert.Equal("A", (await GetAsync("+8613800138210")).GetProperty("displayName").GetString());
        Assert.Equal("B", (await GetAsync("+8613800138211")).GetProperty("displayName").GetString());
        Assert.Equal(2, Requests.Count);
    }
}
