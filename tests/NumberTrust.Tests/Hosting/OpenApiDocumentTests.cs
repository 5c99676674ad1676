using System.Text.Json;
using System.Text.Json.Nodes;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

public sealed class OpenApiDocumentTests
{
    private static string CopyPath => Path.Combine(RepoPaths.Root, "docs", "openapi.v1.json");

    [Fact]
    public async Task The_committed_openapi_document_matches_what_the_local_host_serves()
    {
        await using var api = await ApiFactory.StartAsync();
        using var client = api.CreateClient();
        var served = Normalise(await client.GetStringAsync("/openapi/v1.json"));

        if (Environment.GetEnvironmentVariable("NT_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CopyPath, served);
        }

        Assert.True(File.Exists(CopyPath), $"{CopyPath} is missing; run the tests once with NT_UPDATE_OPENAPI=1 to write it.");
        var committed = Normalise(await File.ReadAllTextAsync(CopyPath));
        Assert.True(committed == served, $"{CopyPath} is stale: the API changed. Run the tests with NT_UPDATE_OPENAPI=1 and commit the file.");
    }

    [Fact]
    public async Task The_openapi_document_covers_every_endpoint_with_its_errors()
    {
        await using var api = await ApiFactory.StartAsync();
        using var client = api.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();

        Assert.Equal(
            ["/api/admin/tenants/{tenantId}", "/api/admin/tenants/{tenantId}/keys", "/api/admin/tenants/{tenantId}/keys/{keyId}", "/api/appeal-settings", "/api/appeals", "/api/appeals/{id}", "/api/appeals/{id}/evidence/{name}", "/api/appeals/{id}/reopen", "/api/appeals/{id}/submit", "/api/appeals/{id}/updates", "/api/appeals/{id}/withdraw", "/api/digest-settings", "/api/documents", "/api/documents/{documentId}", "/api/health", "/api/numbers", "/api/numbers/import", "/api/numbers/{number}", "/api/numbers/{number}/appeals", "/api/numbers/{number}/call-stats", "/api/numbers/{number}/display-labels", "/api/numbers/{number}/display-labels/{labelId}", "/api/numbers/{number}/expectations/{platform}", "/api/numbers/{number}/history", "/api/numbers/{number}/scans", "/api/numbers/{number}/trust", "/api/peak-windows", "/api/platforms", "/api/platforms/{platform}/appeal-route", "/api/public/reports/{token}", "/api/report-links", "/api/report-links/{linkId}", "/api/reports/appeals", "/api/reports/customer", "/api/reports/customer/{reportId}/screenshot", "/api/reports/trust", "/api/scans", "/api/scans/{scanId}", "/api/subscriptions", "/api/subscriptions/{subscriptionId}", "/api/subscriptions/{subscriptionId}/deliveries", "/api/subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver", "/api/subscriptions/{subscriptionId}/secret", "/api/subscriptions/{subscriptionId}/test",
             "/api/upkeep/task-settings", "/api/upkeep/tasks", "/api/upkeep/tasks/{taskId}", "/api/upkeep/tasks/{taskId}/complete", "/api/upkeep/tasks/{taskId}/snooze"],
            paths.Select(p => p.Key).Order(StringComparer.Ordinal));
        var put = paths["/api/numbers/{number}"]!["put"]!;
        Assert.NotNull(put["requestBody"]!["content"]!["application/json"]);
        foreach (var status in new[] { "200", "201", "400", "401", "412", "413", "415" })
        {
            Assert.True(put["responses"]![status] is not null, $"PUT /api/numbers/{{number}} documents no {status} response");
        }

        Assert.NotNull(paths["/api/numbers/import"]!["post"]!["requestBody"]!["content"]!["text/csv"]);
        var callStats = paths["/api/numbers/{number}/call-stats"]!["post"]!;
        Assert.NotNull(callStats["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(callStats["requestBody"]!["content"]!["text/csv"]);
        foreach (var status in new[] { "200", "400", "401", "404", "413", "415" })
        {
            Assert.True(callStats["responses"]![status] is not null, $"POST /api/numbers/{{number}}/call-stats documents no {status} response");
        }

        var putWindows = paths["/api/peak-windows"]!["put"]!;
        Assert.NotNull(putWindows["requestBody"]!["content"]!["application/json"]);
        foreach (var status in new[] { "200", "400", "401", "413", "415" })
        {
            Assert.True(putWindows["responses"]![status] is not null, $"PUT /api/peak-windows documents no {status} response");
        }

        var putRoute = paths["/api/platforms/{platform}/appeal-route"]!["put"]!;
        Assert.NotNull(putRoute["requestBody"]!["content"]!["application/json"]);
        foreach (var status in new[] { "200", "400", "401", "404", "422" })
        {
            Assert.True(putRoute["responses"]![status] is not null, $"PUT /api/platforms/{{platform}}/appeal-route documents no {status} response");
        }

        Assert.Contains(paths["/api/numbers"]!["get"]!["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "continuationToken");
        Assert.NotNull(document["components"]!["securitySchemes"]!["apiKey"]);
    }

    private static string Normalise(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
}
