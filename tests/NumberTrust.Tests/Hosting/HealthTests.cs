using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NumberTrust.Local.Azurite;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_is_anonymous_and_reports_reachable_storage()
    {
        await using var api = await ApiFactory.StartAsync();
        using var client = api.CreateClient();

        var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("reachable", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Health_reports_503_when_storage_does_not_answer()
    {
        var closed = AzuriteProcess.FreePort();
        await using var api = new ApiFactory(AzuriteProcess.ConnectionStringFor(closed, closed, closed));
        using var client = api.WithWebHostBuilder(b => b.ConfigureServices(services =>
        {
            // Without storage the start-up table creation cannot succeed; health must still answer.
            var initializer = services.Single(d => d.ImplementationType == typeof(NumberTrust.Storage.StorageInitializer));
            services.Remove(initializer);
        })).CreateClient();

        var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unreachable", body.GetProperty("storage").GetString());
    }
}
