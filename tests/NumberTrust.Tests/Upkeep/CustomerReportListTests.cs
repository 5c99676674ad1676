using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>The tenant's list of received customer reports and their screenshots, through the local host over Azurite.</summary>
public sealed class CustomerReportListTests : IAsyncLifetime
{
    private const string Number = "+8613800138401";
    private const string Other = "+8613800138402";
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 8, 7];
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private HttpClient _public = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["Upkeep:Reports:PerAddressPerWindow"] = "1000" });
        _client = await _api.TenantAsync();
        _public = _api.CreateClient();
        foreach (var number in new[] { Number, Other })
        {
            Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + number, new { displayName = "Hotline" })).IsSuccessStatusCode);
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _public.Dispose();
        await _api.DisposeAsync();
    }

    private async Task ReportAsync(string token, string number, string label, byte[]? screenshot = null)
    {
        using var response = await _public.PostAsJsonAsync("/api/public/reports/" + token,
            new { number, brand = "Huawei", labelText = label, screenshot = screenshot is null ? null : Convert.ToBase64String(screenshot) });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<string> TokenAsync()
    {
        using var created = await _client.PostAsJsonAsync("/api/report-links", new { name = "support" });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task Reports_are_listed_newest_first_paged_and_filtered_and_the_screenshot_goes_to_its_tenant_only()
    {
        var token = await TokenAsync();
        await ReportAsync(token, Number, "骚扰电话", Png);
        await ReportAsync(token, Other, "推销");
        await ReportAsync(token, Number, "诈骗");

        var all = await _client.GetFromJsonAsync<JsonElement>("/api/reports/customer");
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["诈骗", "推销", "骚扰电话"], items.Select(i => i.GetProperty("labelText").GetString()));

        var paged = new List<string>();
        string? next = null;
        do
        {
            var page = await _client.GetFromJsonAsync<JsonElement>("/api/reports/customer?pageSize=2" + (next is null ? "" : "&continuationToken=" + Uri.EscapeDataString(next)));
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            next = page.TryGetProperty("continuationToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        while (next is not null);
        Assert.Equal(items.Select(i => i.GetProperty("id").GetString()), paged);

        var mine = await _client.GetFromJsonAsync<JsonElement>("/api/reports/customer?number=138%200013%208401");
        Assert.Equal(2, mine.GetProperty("items").GetArrayLength());
        var old = await _client.GetFromJsonAsync<JsonElement>("/api/reports/customer?from=2020-01-01&to=2020-01-31");
        Assert.Equal(0, old.GetProperty("items").GetArrayLength());

        var withShot = items[2];
        Assert.True(withShot.GetProperty("screenshot").GetBoolean());
        using var download = await _client.GetAsync(withShot.GetProperty("screenshotPath").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        using var none = await _client.GetAsync($"/api/reports/customer/{items[0].GetProperty("id").GetString()}/screenshot");
        await ProblemAssert.IsProblemAsync(none, HttpStatusCode.NotFound);

        using var other = await _api.TenantAsync();
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/reports/customer")).GetProperty("items").GetArrayLength());
        using var stolen = await other.GetAsync(withShot.GetProperty("screenshotPath").GetString());
        await ProblemAssert.IsProblemAsync(stolen, HttpStatusCode.NotFound);
        using var anonymous = await _public.GetAsync(withShot.GetProperty("screenshotPath").GetString());
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field()
    {
        foreach (var (query, field) in new[]
        {
            ("?pageSize=0", "pageSize"), ("?pageSize=101", "pageSize"), ("?number=12", "number"), ("?from=yesterday", "from"), ("?to=2026-02-30", "to"),
            ("?from=2026-02-01&to=2026-01-01", "from"), ("?continuationToken=bm9wZQ", "continuationToken"),
        })
        {
            using var response = await _client.GetAsync("/api/reports/customer" + query);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), query);
        }

        using var badId = await _client.GetAsync("/api/reports/customer/../screenshot");
        Assert.NotEqual(HttpStatusCode.OK, badId.StatusCode);
        using var notAnId = await _client.GetAsync("/api/reports/customer/cr_XYZ/screenshot");
        await ProblemAssert.IsProblemAsync(notAnId, HttpStatusCode.BadRequest);
    }
}
