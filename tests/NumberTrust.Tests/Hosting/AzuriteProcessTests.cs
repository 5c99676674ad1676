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
        try
        {
            Assert.True(azurite.SeparateServices);
            var queueBefore = azurite.ServiceCpuTime("queue");
            var queue = new QueueClient(azurite.ConnectionString, "separate", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateAsync();
            for (var i = 0; i < 200; i++)
            {
                await queue.SendMessageAsync($"message {i}");
            }

            var received = await queue.ReceiveMessageAsync();
            Assert.Equal("message 0", received.Value.Body.ToString());
            var queueCpu = azurite.ServiceCpuTime("queue");
            Assert.True(queueCpu > queueBefore, $"queue service CPU {queueBefore} -> {queueCpu}");

            var tableBefore = azurite.ServiceCpuTime("table");
            var table = new TableClient(azurite.ConnectionString, "separate");
            await table.CreateAsync();
            for (var i = 0; i < 200; i++)
            {
                await table.AddEntityAsync(new TableEntity("p", $"r{i:D3}") { ["Value"] = i });
            }

            Assert.Equal(42, (await table.GetEntityAsync<TableEntity>("p", "r042")).Value.GetInt32("Value"));
            var tableCpu = azurite.ServiceCpuTime("table");
            Assert.True(tableCpu > tableBefore, $"table service CPU {tableBefore} -> {tableCpu}");
            Assert.True(azurite.CpuTime >= queueCpu + tableCpu, "the total covers every service's process");
            Assert.Throws<ArgumentOutOfRangeException>(() => azurite.ServiceCpuTime("file"));
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        Assert.All(ports, port => Assert.False(AzuriteProcess.IsListening(port), $"port {port} still listens after dispose"));
    }

    [Fact]
    public async Task One_process_serves_all_services_by_default()
    {
        await using var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null, ports: null, CancellationToken.None);

        Assert.False(azurite.SeparateServices);
        var table = new TableClient(azurite.ConnectionString, "combined");
        await table.CreateAsync();
        await new QueueClient(azurite.ConnectionString, "combined").CreateAsync();
        // One process: every service's CPU time is that process's, and so is the total (read a moment apart).
        var (total, queue, tableCpu) = (azurite.CpuTime, azurite.ServiceCpuTime("queue"), azurite.ServiceCpuTime("table"));
        Assert.True(total > TimeSpan.Zero);
        Assert.True((queue - total).Duration() < TimeSpan.FromMilliseconds(200), $"total {total}, queue service {queue}");
        Assert.True((tableCpu - queue).Duration() < TimeSpan.FromMilliseconds(200), $"queue service {queue}, table service {tableCpu}");
    }
}
