using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>
/// Public customer reports through the local host over Azurite: links issued and revoked by the tenant, the same answer for any
/// number, the screenshot in Blob Storage judged by its bytes, the scan and the event, bad input and both rate limits.
/// </summary>
public sealed class CustomerReportTests : IAsyncLifetime
{
    private const string Number = "+8613800138301";
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private HttpClient _public = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["Upkeep:Reports:PerAddressPerWindow"] = "1000" });
        _client = await _api.TenantAsync();
        _public = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _public.Dispose();
        await _api.DisposeAsync();
    }

    private StorageAccount Storage => _api.Services.GetRequiredService<StorageAccount>();

    private static async Task<(string Id, string Token)> LinkAsync(HttpClient client)
    {
        using var created = await client.PostAsJsonAsync("/api/report-links", new { name = "support page" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
    }

    private Task<HttpResponseMessage> ReportAsync(string token, object body) => _public.PostAsJsonAsync("/api/public/reports/" + token, body);

    private async Task<List<JsonElement>> ReportAlertsAsync() =>
        (await Storage.Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement)
            .Where(a => a.GetProperty("type").GetString() == "upkeep.customer_report").ToList();

    private async Task<List<TableEntity>> ReportRowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Storage.Table(TableNames.UpkeepReports).QueryAsync<TableEntity>(r => r.RowKey.CompareTo("report|") >= 0 && r.RowKey.CompareTo("report}") < 0))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task A_report_is_recorded_with_its_screenshot_scans_the_number_and_raises_an_event()
    {
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Hotline" })).IsSuccessStatusCode);
        var (_, token) = await LinkAsync(_client);

        using var response = await ReportAsync(token, new { number = "138 0013 8301", brand = "360手机卫士", labelText = "骚扰电话", screenshot = Convert.ToBase64String(Png) });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("received", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var alert = Assert.Single(await ReportAlertsAsync());
        Assert.Equal(Number, alert.GetProperty("number").GetString());
        Assert.Equal("骚扰电话", alert.GetProperty("data").GetProperty("labelText").GetString());
        Assert.True(alert.GetProperty("data").GetProperty("screenshot").GetBoolean());
        var scan = await _client.GetFromJsonAsync<JsonElement>("/api/scans/" + alert.GetProperty("data").GetProperty("scanId").GetString());
        Assert.Equal(Number, scan.GetProperty("number").GetString());

        var row = Assert.Single(await ReportRowsAsync());
        Assert.Equal("360手机卫士", row.GetString("Brand"));
        var blob = Storage.Container(ContainerNames.CustomerReports).GetBlobClient(row.GetString("Screenshot"));
        var content = (await blob.DownloadContentAsync()).Value;
        Assert.Equal(Png, content.Content.ToArray());
        Assert.Equal("image/png", content.Details.ContentType);
    }

    [Fact]
    public async Task A_number_the_tenant_does_not_have_gets_the_same_answer_and_leaves_nothing()
    {
        Assert.True((await _client.PutAsJsonAsync("/api/numbers/" + Number, new { displayName = "Hotline" })).IsSuccessStatusCode);
        var (_, token) = await LinkAsync(_client);

        using var known = await ReportAsync(token, new { number = Number, brand = "Huawei", labelText = "推销" });
        using var unknown = await ReportAsync(token, new { number = "+8613900139999", brand = "Huawei", labelText = "推销" });
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.Equal(known.Content.Headers.ContentType, unknown.Content.Headers.ContentType);
        Assert.Equal([Number], (await ReportAlertsAsync()).Select(a => a.GetProperty("number").GetString()));
        Assert.Single(await ReportRowsAsync());
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_a_screenshot_is_judged_by_its_bytes()
    {
        var (_, token) = await LinkAsync(_client);
        async Task<JsonElement> Invalid(object body) => (await ProblemAssert.IsProblemAsync(await ReportAsync(token, body), HttpStatusCode.BadRequest)).GetProperty("errors");

        var errors = await Invalid(new { number = "12", labelText = new string('x', 201) });
        Assert.True(errors.TryGetProperty("number", out _));
        Assert.True(errors.TryGetProperty("brand", out _));
        Assert.True(errors.TryGetProperty("labelText", out _));
        Assert.Contains("PNG or JPEG", (await Invalid(new { number = Number, brand = "Huawei", labelText = "推销", screenshot = Convert.ToBase64String("GIF89a......"u8.ToArray()) }))
            .GetProperty("screenshot")[0].GetString());
        Assert.Contains("base64", (await Invalid(new { number = Number, brand = "Huawei", labelText = "推销", screenshot = "not base64!" })).GetProperty("screenshot")[0].GetString());
        var tooBig = new byte[2 * 1024 * 1024 + 1];
        Png.CopyTo(tooBig, 0);
        Assert.Contains("larger", (await Invalid(new { number = Number, brand = "Huawei", labelText = "推销", screenshot = Convert.ToBase64String(tooBig) }))
            .GetProperty("screenshot")[0].GetString());

        await ProblemAssert.IsProblemAsync(await _public.PostAsync("/api/public/reports/" + token, new StringContent("{", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _public.PostAsync("/api/public/reports/" + token, new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await ReportAlertsAsync());
    }

    [Fact]
    public async Task Links_are_the_tenants_own_and_a_revoked_or_unknown_link_is_404()
    {
        var (id, token) = await LinkAsync(_client);
        var body = new { number = Number, brand = "Huawei", labelText = "推销" };
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(token, body)).StatusCode);

        await ProblemAssert.IsProblemAsync(await ReportAsync("short", body), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ReportAsync(new string('A', 43), body), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _public.PostAsJsonAsync("/api/report-links", new { name = "x" }), HttpStatusCode.Unauthorized);

        using var other = await _api.TenantAsync();
        await ProblemAssert.IsProblemAsync(await other.DeleteAsync("/api/report-links/" + id), HttpStatusCode.NotFound);
        Assert.Empty((await other.GetFromJsonAsync<JsonElement>("/api/report-links")).EnumerateArray());

        var revoked = await _client.DeleteAsync("/api/report-links/" + id);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await ProblemAssert.IsProblemAsync(await ReportAsync(token, body), HttpStatusCode.NotFound);
        var listed = Assert.Single((await _client.GetFromJsonAsync<JsonElement>("/api/report-links")).EnumerateArray());
        Assert.True(listed.GetProperty("revoked").GetBoolean());
        Assert.False(listed.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task Each_link_and_each_client_address_is_rate_limited_with_retry_after()
    {
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?>
        {
            ["Upkeep:Reports:PerTokenPerWindow"] = "2",
            ["Upkeep:Reports:PerAddressPerWindow"] = "5",
        });
        using var tenant = await api.TenantAsync();
        using var anonymous = api.CreateClient();
        var body = new { number = Number, brand = "Huawei", labelText = "推销" };
        var (_, a) = await LinkAsync(tenant);
        var (_, b) = await LinkAsync(tenant);
        var (_, c) = await LinkAsync(tenant);
        async Task<HttpResponseMessage> Post(string token) => await anonymous.PostAsJsonAsync("/api/public/reports/" + token, body);

        Assert.Equal(HttpStatusCode.Accepted, (await Post(a)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(a)).StatusCode);
        var linkLimited = await Post(a); // the link's third in the window
        await ProblemAssert.IsProblemAsync(linkLimited, HttpStatusCode.TooManyRequests);
        Assert.True(linkLimited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(b)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(b)).StatusCode);
        // The address's sixth request: refused whatever the link, before the link is even looked up.
        await ProblemAssert.IsProblemAsync(await Post(c), HttpStatusCode.TooManyRequests);
        await ProblemAssert.IsProblemAsync(await Post(new string('A', 43)), HttpStatusCode.TooManyRequests);
    }
}
