using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using NumberTrust.Hosting;
using NumberTrust.Local.Azurite;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

/// <summary>Nothing depends on start-up having created storage, and storage trouble at start-up never stops the host.</summary>
public sealed class StorageResilienceTests
{
    [Fact]
    public async Task A_missing_table_or_queue_is_created_on_first_use_by_a_read_a_write_a_transaction_and_a_send()
    {
        var storage = new StorageAccount(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.ConnectionStringAsync(),
            ["Storage:Prefix"] = Azurite.NewPrefix(),
        }).Build(), []);

        Assert.False((await storage.Table(TableNames.Tenants).GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue);
        await storage.Table(TableNames.Numbers).AddEntityAsync(new TableEntity("p", "r") { ["X"] = 1 });
        await storage.Table(TableNames.ScanRuns).SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a"))]);
        await storage.Queue(QueueNames.Alerts).SendMessageAsync("{}");

        await storage.Tables.DeleteTableAsync(storage.Prefix + TableNames.Numbers);
        await storage.Table(TableNames.Numbers).UpsertEntityAsync(new TableEntity("p", "again"));

        Assert.True((await storage.Table(TableNames.Numbers).GetEntityIfExistsAsync<TableEntity>("p", "again")).HasValue);
        Assert.True((await storage.Table(TableNames.ScanRuns).GetEntityIfExistsAsync<TableEntity>("p", "a")).HasValue);
        Assert.Equal(1, (await storage.Queue(QueueNames.Alerts).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task The_host_starts_when_storage_refuses_its_credentials_and_answers_503_naming_the_reason()
    {
        var azurite = await Azurite.GetAsync();
        var wrongKey = azurite.ConnectionString.Replace(AzuriteProcess.AccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        await using var api = await ApiFactory.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = wrongKey });
        using var client = api.CreateClient();

        var health = await client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unreachable", body.GetProperty("storage").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));

        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, "ntk_0123456789abcdef.some-secret");
        var numbers = await client.GetAsync("/api/numbers");
        await ProblemAssert.IsProblemAsync(numbers, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(numbers.Headers.RetryAfter);
    }
}
