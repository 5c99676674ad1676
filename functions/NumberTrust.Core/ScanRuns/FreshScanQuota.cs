using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using NumberTrust.Lookups;
using NumberTrust.Storage;

namespace NumberTrust.ScanRuns;

/// <summary>
/// Per-tenant quota of scans that ask for a lookup newer than the shared freshness window: a fixed-window counter in row
/// <c>fresh|{tenant}</c>/<c>quota</c> of <c>ScanRuns</c>, ETag-guarded so every instance counts against one total.
/// </summary>
public sealed class FreshScanQuota(StorageAccount storage, IOptionsMonitor<SharedLookupOptions> options, TimeProvider time)
{
    private const string PartitionPrefix = "fresh|";
    private const string Row = "quota";
    private const int MaxRounds = 8;

    /// <summary>Counts one forced-fresh scan; null when it is allowed, else how long until the tenant's window ends.</summary>
    public async Task<TimeSpan?> TakeAsync(string tenantId, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var table = storage.Table(TableNames.ScanRuns);
        for (var round = 0; ; round++)
        {
            var now = time.GetUtcNow();
            var found = await table.GetEntityIfExistsAsync<TableEntity>(PartitionPrefix + tenantId, Row, cancellationToken: cancellationToken);
            var row = found.HasValue ? found.Value! : null;
            var start = row?.GetDateTimeOffset("WindowStart");
            var count = row?.GetInt32("Count") ?? 0;
            if (start is null || now >= start + o.FreshScanWindow || start > now + o.FreshScanWindow)
            {
                start = now;
                count = 0;
            }

            if (count >= o.FreshScansPerWindow)
            {
                return start.Value + o.FreshScanWindow - now;
            }

            var next = new TableEntity(PartitionPrefix + tenantId, Row) { ["WindowStart"] = start.Value, ["Count"] = count + 1 };
            try
            {
                if (row is null)
                {
                    await table.AddEntityAsync(next, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(next, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return null;
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed()) && round < MaxRounds)
            {
                // Another request of the tenant counted at the same moment: read the new count and try again.
            }
        }
    }
}
