using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NumberTrust.Local.Azurite;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Reliability;

/// <summary>Demo mode takes one appeal from draft to a verified removal within minutes, and then shows the label coming back (relabeled).</summary>
public sealed partial class DemoAppealTests
{
    [Fact]
    public async Task Demo_mode_resolves_its_appeal_on_two_clean_lookups_and_then_marks_it_relabeled()
    {
        await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);
        var port = AzuriteProcess.FreePort();
        await using var host = LocalHostProcess.StartDemo(azurite.ConnectionString, port);

        var ready = await host.WaitForLineAsync(l => ApiKey().IsMatch(l), TimeSpan.FromSeconds(60), "the demo API key is printed");
        var filed = await host.WaitForLineAsync(l => Filed().IsMatch(l), TimeSpan.FromSeconds(120), "the demo appeal is filed");
        var id = Filed().Match(filed).Groups[1].Value;
        await host.WaitForLineAsync(l => l.Contains($"appeal {id} Resolved", StringComparison.Ordinal), TimeSpan.FromMinutes(3), "the demo appeal is resolved");
        await host.WaitForLineAsync(l => l.Contains($"appeal {id} is relabeled", StringComparison.Ordinal), TimeSpan.FromMinutes(2), "the demo appeal is relabeled");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("x-api-key", ApiKey().Match(ready).Groups[1].Value);
        var appeal = await http.GetFromJsonAsync<JsonElement>($"/api/appeals/{id}");
        Assert.Equal("Resolved", appeal.GetProperty("status").GetString());
        var statuses = appeal.GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("to").GetString()).ToList();
        Assert.Equal(["Draft", "Submitted", "Resolved"], statuses.Distinct().ToList());
        var verified = appeal.GetProperty("transitions").EnumerateArray().First(t => t.GetProperty("to").GetString() == "Resolved");
        Assert.Equal("verifier", verified.GetProperty("actor").GetString());
        Assert.Matches("label gone on lookup .+ and lookup ", verified.GetProperty("why").GetString());
        Assert.Equal(JsonValueKind.String, appeal.GetProperty("relabeledAt").ValueKind);

        var followUp = await http.GetFromJsonAsync<JsonElement>($"/api/appeals/{appeal.GetProperty("followUpId").GetString()}");
        Assert.Equal("Draft", followUp.GetProperty("status").GetString());
        Assert.Equal(id, followUp.GetProperty("followUpOf").GetString());
        Assert.False(host.HasExited);
    }

    [GeneratedRegex(@"API key for this run: (\S+)")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"appeal (\S+) filed and submitted")]
    private static partial Regex Filed();
}
