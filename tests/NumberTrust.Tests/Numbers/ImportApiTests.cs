using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Numbers;

public sealed class ImportApiTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync();
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<HttpResponseMessage> ImportAsync(string csv, string contentType = "text/csv") =>
        await _client.PostAsync("/api/numbers/import", new StringContent(csv, Encoding.UTF8, contentType));

    [Fact]
    public async Task Import_stores_good_rows_and_reports_bad_rows_with_row_number_and_reason()
    {
        var csv = """
            number,displayName,department,tags,cadence,platforms,region
            138-0013-8000,"Sales, East",Sales,vip;east,daily,qihoo360|baidu,
            not a number,Broken,,,,,
            (010) 6552 9988,Front desk,Reception,,weekly,,
            13800138000,Duplicate,,,,,
            13900139000,Bad cadence,,,hourly,,
            (212) 555-0100,New York,,,,,US
            13700137000,Bad platform,,,,myspace,
            13600136000,Bad region,,,,,Mars
            """;

        var response = await ImportAsync(csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(8, report.GetProperty("total").GetInt32());
        Assert.Equal(3, report.GetProperty("imported").GetInt32());
        Assert.Equal(5, report.GetProperty("failed").GetInt32());
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("row").GetInt32());
        Assert.Equal("imported", rows[2].GetProperty("status").GetString());
        Assert.Equal("+8613800138000", rows[2].GetProperty("number").GetString());
        Assert.Contains("number:", rows[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("imported", rows[4].GetProperty("status").GetString());
        Assert.Contains("Duplicate of row 2", rows[5].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("cadence", rows[6].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("+12125550100", rows[7].GetProperty("number").GetString());
        Assert.Contains("platforms", rows[8].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("region", rows[9].GetProperty("error").GetString(), StringComparison.Ordinal);

        var stored = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000");
        Assert.Equal("Sales, East", stored.GetProperty("displayName").GetString());
        Assert.Equal(["vip", "east"], stored.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["qihoo360", "baidu"], stored.GetProperty("platforms").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("daily", stored.GetProperty("cadence").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/numbers/13900139000")).StatusCode);
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/numbers");
        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Import_updates_only_the_columns_it_has_and_keeps_the_registration_date()
    {
        var first = await _client.PutAsJsonAsync("/api/numbers/13800138000", new { displayName = "Kept", department = "Ops", tags = new[] { "a" } });
        var registeredAt = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registeredAt").GetDateTimeOffset();

        var response = await ImportAsync("number,department\n13800138000,Sales\n");

        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        var stored = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138000");
        Assert.Equal("Kept", stored.GetProperty("displayName").GetString());
        Assert.Equal("Sales", stored.GetProperty("department").GetString());
        Assert.Equal(["a"], stored.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(registeredAt, stored.GetProperty("registeredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Import_overlays_only_its_own_rows_when_the_tenant_has_numbers_between_them()
    {
        var registeredAt = new Dictionary<string, DateTimeOffset>();
        foreach (var (national, name) in new[] { ("13800138001", "A"), ("13800138005", "B"), ("13800138009", "C") })
        {
            var put = await _client.PutAsJsonAsync($"/api/numbers/{national}", new { displayName = name });
            registeredAt[national] = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registeredAt").GetDateTimeOffset();
        }

        // Out of order on purpose; 138..05 lies between the imported numbers and is not in the file.
        var response = await ImportAsync("number,department\n13800138009,Sales\n13800138007,Sales\n13800138001,Sales\n");

        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        foreach (var (national, name) in new[] { ("13800138001", "A"), ("13800138009", "C") })
        {
            var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{national}");
            Assert.Equal(
                (name, "Sales", registeredAt[national]),
                (stored.GetProperty("displayName").GetString(), stored.GetProperty("department").GetString(), stored.GetProperty("registeredAt").GetDateTimeOffset()));
        }

        var between = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138005");
        Assert.Equal("B", between.GetProperty("displayName").GetString());
        Assert.True(!between.TryGetProperty("department", out var department) || department.ValueKind == JsonValueKind.Null);
        Assert.Equal("Sales", (await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13800138007")).GetProperty("department").GetString());
    }

    [Fact]
    public async Task Import_of_a_few_numbers_spread_over_a_big_tenant_finds_the_existing_ones()
    {
        // 1,100 numbers, then an import of the first and the last: their RowKey range holds more rows than the existence check
        // reads from a range, so it reads the two numbers directly.
        var csv = new StringBuilder("number,tags\n");
        for (var i = 0; i < 1100; i++)
        {
            csv.Append("1371000").Append(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Append(",spread\n");
        }

        _client.Timeout = TimeSpan.FromMinutes(5);
        Assert.Equal(1100, (await (await ImportAsync(csv.ToString())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        var before = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13710000000");

        var response = await ImportAsync("number,department\n13710001099,Ops\n13710000000,Ops\n");

        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        foreach (var national in new[] { "13710000000", "13710001099" })
        {
            var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/numbers/{national}");
            Assert.Equal("Ops", stored.GetProperty("department").GetString());
            Assert.Equal(["spread"], stored.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        }

        var after = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13710000000");
        Assert.Equal(before.GetProperty("registeredAt").GetDateTimeOffset(), after.GetProperty("registeredAt").GetDateTimeOffset());
        var untouched = await _client.GetFromJsonAsync<JsonElement>("/api/numbers/13710000500");
        Assert.True(!untouched.TryGetProperty("department", out var department) || department.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Import_takes_ten_thousand_rows_in_one_request()
    {
        var csv = new StringBuilder("number,tags\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append("+86 139 ").Append((10_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(",bulk\n");
        }

        csv.Append("bad row,bulk\n");
        // A guard, not a target: the import shares Azurite with the other test classes (the crash test holds 5,000 jobs).
        _client.Timeout = TimeSpan.FromMinutes(25);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await ImportAsync(csv.ToString());
        Console.WriteLine($"10,000-row import took {clock.Elapsed}");

        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10_001, report.GetProperty("total").GetInt32());
        Assert.Equal(10_000, report.GetProperty("imported").GetInt32());
        var bad = Assert.Single(report.GetProperty("rows").EnumerateArray(), r => r.GetProperty("status").GetString() == "failed");
        Assert.Equal(10_002, bad.GetProperty("row").GetInt32());

        var page = await _client.GetFromJsonAsync<JsonElement>("/api/numbers?tag=bulk&pageSize=500");
        Assert.Equal(500, page.GetProperty("items").GetArrayLength());
        Assert.Equal("+8613910000000", page.GetProperty("items")[0].GetProperty("number").GetString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("displayName\nx\n", "'number' column")]
    [InlineData("number,colour\n138\n", "Unknown column 'colour'")]
    [InlineData("number,number\n138,138\n", "appears twice")]
    [InlineData("\"number\n", "header line")]
    public async Task Import_rejects_a_bad_header_with_400(string csv, string reason)
    {
        var problem = await ProblemAssert.IsProblemAsync(await ImportAsync(csv), HttpStatusCode.BadRequest);

        Assert.Contains(reason, problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reports_malformed_rows_and_rows_with_too_many_fields()
    {
        var response = await ImportAsync("number,displayName\n13800138000,\"unterminated\n");
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, report.GetProperty("imported").GetInt32());
        Assert.Contains("not closed", report.GetProperty("rows")[0].GetProperty("error").GetString(), StringComparison.Ordinal);

        var extra = await (await ImportAsync("number\n13800138000,surplus\n")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("fields", extra.GetProperty("rows")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_rejects_wrong_media_non_utf8_and_oversized_bodies()
    {
        await ProblemAssert.IsProblemAsync(await ImportAsync("{}", "application/json"), HttpStatusCode.UnsupportedMediaType);

        using var latin1 = new ByteArrayContent([(byte)'n', (byte)'u', (byte)'m', (byte)'b', (byte)'e', (byte)'r', 10, 0xE9, 0xFF, 10]);
        latin1.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        await ProblemAssert.IsProblemAsync(await _client.PostAsync("/api/numbers/import", latin1), HttpStatusCode.BadRequest);

        var huge = "number\n" + string.Concat(Enumerable.Repeat("13800138000\n", 800_000));
        await ProblemAssert.IsProblemAsync(await ImportAsync(huge), HttpStatusCode.RequestEntityTooLarge);
    }
}
