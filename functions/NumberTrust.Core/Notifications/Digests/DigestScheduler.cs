using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Notifications.Digests;

/// <summary>
/// Timer <c>DigestTimer</c>: queues one <c>digests</c> message per tenant whose digest time has passed on its local date and
/// whose digest for that date is not done. A timer that fires twice queues a tenant twice at most; the composer's mark dedupes.
/// </summary>
public sealed partial class DigestScheduler(StorageAccount storage, DigestStore digests, TimeProvider time, ILogger<DigestScheduler> logger)
{
    public async Task TickAsync(TimerTick tick, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (tenants, queued) = (0, 0);
        // The tenant list is one partition and small; its rows carry the settings, so this is one query plus a read per due tenant.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TenantEntity.Partition}");
        await foreach (var tenant in storage.Table(TableNames.Tenants).QueryAsync<TenantEntity>(filter, cancellationToken: cancellationToken))
        {
            tenants++;
            var (localDate, due) = DigestSettingsJson.Of(tenant).DueAt(now);
            if (!due || await digests.FindAsync(tenant.RowKey, localDate, cancellationToken) is { Done: true })
            {
                continue;
            }

            var message = new DigestMessage(DigestMessage.CurrentVersion, tenant.RowKey, localDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await storage.Queue(QueueNames.Digests).SendMessageAsync(QueueMessageJson.Serialize(message), cancellationToken: cancellationToken);
            queued++;
        }

        Log.Ticked(logger, tenants, queued);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Digest timer: {Tenants} tenant(s), {Queued} digest(s) queued")]
        public static partial void Ticked(ILogger logger, int tenants, int queued);
    }
}
