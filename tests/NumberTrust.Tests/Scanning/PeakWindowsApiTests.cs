using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Scanning;

public sealed class PeakWindowsApiTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.StartAsync();
        _client = await _api.TenantAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> WindowsAsync(HttpClient? client = null)
    {
        var response = await (client ?? _client).GetAsync("/api/peak-windows");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("windows");
    }

    private static string Future(int days, string offset = "Z") =>
        new DateTimeOffset(DateTime.UtcNow.Date.AddDays(days), TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + offset;

    [Fact]
    public async Task A_tenant_starts_without_windows()
    {
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Put_replaces_the_list_sorted_by_start_keeping_offsets_and_dropping_windows_that_are_over()
    {
        var response = await _client.PutAsJsonAsync("/api/peak-windows", new
        {
            windows = new object[]
            {
                new { name = "  Double 12  ", start = Future(40, "+08:00"), end = Future(42, "+08:00") },
                new { name = "Singles' Day", start = Future(10), end = Future(12) },
                new { name = "Last year", start = "2020-11-11T00:00:00+08:00", end = "2020-11-12T00:00:00+08:00" },
                new { start = Future(-1), end = Future(1) },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("windows");
        Assert.Equal(saved.ToString(), (await WindowsAsync()).ToString());
        var windows = saved.EnumerateArray().ToList();
        Assert.Equal(3, windows.Count);
        Assert.False(windows[0].TryGetProperty("name", out _));
        Assert.Equal(DateTimeOffset.Parse(Future(-1), System.Globalization.CultureInfo.InvariantCulture), windows[0].GetProperty("start").GetDateTimeOffset());
        Assert.Equal("Singles' Day", windows[1].GetProperty("name").GetString());
        Assert.Equal("Double 12", windows[2].GetProperty("name").GetString());
        Assert.Equal(Future(40, "+08:00"), windows[2].GetProperty("start").GetString());

        var replaced = await _client.PutAsJsonAsync("/api/peak-windows", new { windows = new[] { new { start = Future(5), end = Future(6) } } });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Single((await WindowsAsync()).EnumerateArray());

        var cleared = await _client.PutAsJsonAsync("/api/peak-windows", new { windows = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task The_limits_themselves_are_accepted()
    {
        var windows = Enumerable.Range(0, 50)
            .Select(i => new { name = new string('窗', 100), start = Future(1 + i), end = Future(1 + i + 92) })
            .ToArray();

        var response = await _client.PutAsJsonAsync("/api/peak-windows", new { windows });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(50, (await WindowsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Windows_belong_to_the_tenant_and_show_in_the_admin_view_and_survive_an_admin_update()
    {
        using var other = await _api.TenantAsync("peak-other");
        using var mine = await _api.TenantAsync("peak-mine");
        await mine.PutAsJsonAsync("/api/peak-windows", new { windows = new[] { new { name = "Sale", start = Future(3), end = Future(4) } } });

        Assert.Empty((await WindowsAsync(other)).EnumerateArray());
        using var admin = _api.Admin();
        var renamed = await admin.PutAsJsonAsync("/api/admin/tenants/peak-mine", new { name = "Renamed", defaultRegion = "CN" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var view = await admin.GetFromJsonAsync<JsonElement>("/api/admin/tenants/peak-mine");
        Assert.Equal("Renamed", view.GetProperty("name").GetString());
        Assert.Equal("Sale", Assert.Single(view.GetProperty("peakWindows").EnumerateArray()).GetProperty("name").GetString());
        Assert.Single((await WindowsAsync(mine)).EnumerateArray());
    }

    [Theory]
    [InlineData("{}", "windows")]
    [InlineData("{\"windows\": null}", "windows")]
    [InlineData("{\"windows\": [null]}", "windows[0]")]
    [InlineData("{\"windows\": [{}]}", "windows[0].start")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00\", \"end\": \"2031-01-02T00:00:00Z\"}]}", "windows[0].start")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01\", \"end\": \"2031-01-02T00:00:00Z\"}]}", "windows[0].start")]
    [InlineData("{\"windows\": [{\"start\": \"2031-02-30T00:00:00Z\", \"end\": \"2031-03-02T00:00:00Z\"}]}", "windows[0].start")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00+15:00\", \"end\": \"2031-01-02T00:00:00Z\"}]}", "windows[0].start")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00+0800\", \"end\": \"2031-01-02T00:00:00Z\"}]}", "windows[0].start")]
    [InlineData("{\"windows\": [{\"start\": \"9999-12-31T00:00:00Z\", \"end\": \"9999-12-31T23:59:59-14:00\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"tomorrow\", \"end\": \"next week\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-02T00:00:00Z\", \"end\": \"2031-01-01T00:00:00Z\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-01T00:00:00Z\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T08:00:00+08:00\", \"end\": \"2031-01-01T00:00:00Z\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-04-03T00:00:01Z\"}]}", "windows[0].end")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-02T00:00:00Z\", \"name\": \"a\\u0007b\"}]}", "windows[0].name")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-02T00:00:00Z\"}, {\"start\": \"x\", \"end\": \"2031-01-02T00:00:00Z\"}]}", "windows[1].start")]
    public async Task Invalid_windows_get_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var response = await _client.PutAsync("/api/peak-windows", Json(json));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), problem.ToString());
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task A_name_over_100_characters_is_refused()
    {
        var response = await _client.PutAsJsonAsync("/api/peak-windows", new
        {
            windows = new[] { new { name = new string('x', 101), start = Future(1), end = Future(2) } },
        });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("windows[0].name", out _), problem.ToString());
    }

    [Fact]
    public async Task Windows_too_large_to_store_are_refused()
    {
        // 100 UTF-16 characters of emoji each: within the name limit, but 50 of them exceed what one table property holds.
        var name = string.Concat(Enumerable.Repeat("😀", 50));
        var windows = Enumerable.Range(0, 50).Select(i => new { name, start = Future(1 + i), end = Future(2 + i) }).ToArray();

        var response = await _client.PutAsJsonAsync("/api/peak-windows", new { windows });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("windows", out _), problem.ToString());
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("null", "JSON object")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"windows\": \"soon\"}", "not valid JSON")]
    [InlineData("{\"windows\": {}}", "not valid JSON")]
    [InlineData("{\"windows\": [1]}", "not valid JSON")]
    [InlineData("{\"windows\": [[]]}", "not valid JSON")]
    [InlineData("{\"windows\": [{\"start\": 20310101, \"end\": \"2031-01-02T00:00:00Z\"}]}", "not valid JSON")]
    [InlineData("{\"windows\": [{\"start\": true, \"end\": \"2031-01-02T00:00:00Z\"}]}", "not valid JSON")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-02T00:00:00Z\", \"name\": 5}]}", "not valid JSON")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-02T00:00:00Z\", \"colour\": \"red\"}]}", "colour")]
    [InlineData("{\"windows\": [], \"extra\": 1}", "extra")]
    [InlineData("{\"windows\": [{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-02T00:00:00Z\", \"name\": \"\\ud800\"}]}", "not valid JSON")]
    public async Task Malformed_bodies_get_400(string json, string mention)
    {
        var response = await _client.PutAsync("/api/peak-windows", Json(json));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(mention, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task More_than_50_windows_are_refused_even_as_a_huge_array()
    {
        var fifty1 = "{\"windows\": [" + string.Join(",", Enumerable.Repeat("{\"start\": \"2031-01-01T00:00:00Z\", \"end\": \"2031-01-02T00:00:00Z\"}", 51)) + "]}";
        var nulls = "{\"windows\": [" + string.Join(",", Enumerable.Repeat("null", 12_000)) + "]}";

        foreach (var json in new[] { fifty1, nulls })
        {
            var problem = await ProblemAssert.IsProblemAsync(await _client.PutAsync("/api/peak-windows", Json(json)), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("windows", out _), problem.GetProperty("detail").GetString());
        }

        var deep = "{\"windows\": " + new string('[', 5000) + new string(']', 5000) + "}";
        await ProblemAssert.IsProblemAsync(await _client.PutAsync("/api/peak-windows", Json(deep)), HttpStatusCode.BadRequest);
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Oversized_bodies_wrong_media_types_and_missing_keys_get_4xx()
    {
        var huge = "{\"windows\": [" + string.Join(",", Enumerable.Repeat("null", 20_000)) + "]}";
        await ProblemAssert.IsProblemAsync(await _client.PutAsync("/api/peak-windows", Json(huge)), HttpStatusCode.RequestEntityTooLarge);

        using var text = new StringContent("{\"windows\": []}", Encoding.UTF8, "text/plain");
        await ProblemAssert.IsProblemAsync(await _client.PutAsync("/api/peak-windows", text), HttpStatusCode.UnsupportedMediaType);

        using var anonymous = _api.CreateClient();
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/peak-windows"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await anonymous.PutAsync("/api/peak-windows", Json("{\"windows\": []}")), HttpStatusCode.Unauthorized);
        Assert.Empty((await WindowsAsync()).EnumerateArray());
    }
}
