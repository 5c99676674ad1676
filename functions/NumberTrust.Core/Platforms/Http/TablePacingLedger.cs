using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Platforms;

/// <summary>
/// The pacing ledger in Table Storage: one row per platform holding the next unclaimed slot. A claim is one ETag-guarded replace
/// (the ETag of this instance's last claim is kept, so an uncontended claim costs one transaction); a lost race re-reads and tries again.
/// </summary>
public sealed class TablePacingLedger(StorageAccount storage, TimeProvider time) : IPacingLedger
{
    private const string Partition = "pacing";
    private const int MaxRounds = 20;
    private readonly ConcurrentDictionary<string, PacingRow> _last = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _claims = new(StringComparer.Ordinal);

    public async Task<DateTimeOffset> ClaimAsync(string platformId, int count, TimeSpan interval, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        // One claim per platform at a time in this instance: races are then only with other instances.
        var gate = _claims.GetOrAdd(platformId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await ClaimOnceAsync(platformId, count, interval, notBefore, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<DateTimeOffset> ClaimOnceAsync(string platformId, int count, TimeSpan interval, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.PlatformPacing);
        for (var round = 0; ; round++)
        {
            var known = _last.TryGetValue(platformId, out var last) ? last : await ReadAsync(table, platformId, cancellationToken);
            var first = known is { } row && row.NextSlot > notBefore ? row.NextSlot : notBefore;
            var entity = new TableEntity(Partition, platformId) { ["NextSlot"] = first + count * interval };
            try
            {
                var response = known is { } current
                    ? await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken)
                    : await table.AddEntityAsync(entity, cancellationToken);
                _last[platformId] = new PacingRow(first + count * interval, response.Headers.ETag ?? ETag.All);
                return first;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && round < MaxRounds)
            {
                // Another instance claimed since our last look: read its claim and go after it.
                _last.TryRemove(platformId, out _);
                if (round > 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 10 * Math.Min(round, 10))), time, cancellationToken);
                }
            }
        }
    }

    private static async Task<PacingRow?> ReadAsync(TableClient table, string platformId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, platformId, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetDateTimeOffset("NextSlot") is { } next ? new PacingRow(next, row.Value.ETag) : null;
    }

    private readonly record struct PacingRow(DateTimeOffset NextSlot, ETag ETag);
}
