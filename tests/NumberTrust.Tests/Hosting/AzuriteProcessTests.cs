using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NumberTrust.Local.Azurite;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Hosting;

/// <summary>The emulator launcher, in both of its layouts: one Node.js process for all services, or one per service.</summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task Separate_services_each_run_in_their_own_process_and_all_stop_on_dispose()
    {
        var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None, separateServices: true);
        var ports = new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort };
        var pids = azurite.ProcessIds.Values.ToList();
        try
        {
            Assert.Equal(["blob", "queue", "table"], azurite.ProcessIds.Keys.Order());
            Assert.Equal(3, azurite.ProcessIds.Values.Distinct().Count());
            var queueBefore = Cpu(azurite, "queue");
            var queue = new QueueClient(azurite.ConnectionString, "separate", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateAsync();
            for (var i = 0; i < 200; i++)
            {
                await queue.SendMessageAsync($"message {i}");
            }

            var received = await queue.ReceiveMessageAsync();
            Assert.Equal("message 0", received.Value.Body.ToString());
            var queueCpu = Cpu(azurite, "queue");
            Assert.True(queueCpu > queueBefore, $"queue service CPU {queueBefore} -> {queueCpu}");

            var tableBefore = Cpu(azurite, "table");
            var table = new TableClient(azurite.ConnectionString, "separate");
            await table.CreateAsync();
            for (var i = 0; i < 200; i++)
            {
                await table.AddEntityAsync(new TableEntity("p", $"r{i:D3}") { ["Value"] = i });
            }

            Assert.Equal(42, (await table.GetEntityAsync<TableEntity>("p", "r042")).Value.GetInt32("Value"));
            var tableCpu = Cpu(azurite, "table");
            Assert.True(tableCpu > tableBefore, $"table service CPU {tableBefore} -> {tableCpu}");
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        Assert.All(ports, port => Assert.False(AzuriteProcess.IsListening(port), $"port {port} still listens after dispose"));
        Assert.All(pids, pid => Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)));
    }

    [Fact]
    public async Task One_process_serves_all_services_by_default()
    {
        await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);

        var (id, pid) = Assert.Single(azurite.ProcessIds);
        Assert.Equal("all", id);
        var table = new TableClient(azurite.ConnectionString, "combined");
        await table.CreateAsync();
        await new QueueClient(azurite.ConnectionString, "combined").CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 1 });
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("Value"));
        Assert.True(Cpu(azurite, "all") > TimeSpan.Zero, $"process {pid} serves every service");
    }

    private static TimeSpan Cpu(AzuriteProcess azurite, string service)
    {
        using var process = Process.GetProcessById(azurite.ProcessIds[service]);
        return process.TotalProcessorTime;
    }
}
