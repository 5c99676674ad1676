using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Notifications.Digests;

/// <summary>The digest marks (<see cref="DigestEntity"/>).</summary>
public sealed class DigestStore(StorageAccount storage)
{
    private TableClient Table => storage.Table(TableNames.Digests);

    public Task<DigestEntity?> FindAsync(string tenantId, DateOnly localDate, CancellationToken cancellationToken) =>
        FindRowAsync(tenantId, DigestEntity.RowFor(localDate), cancellationToken);

    /// <summary>A mark by its row key: the daily digest's <c>day|</c> rows and other once-per-period mails (the weekly upkeep summary's <c>week|</c>).</summary>
    public async Task<DigestEntity?> FindRowAsync(string tenantId, string rowKey, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<DigestEntity>(tenantId, rowKey, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Adds the mark; when another composer added one first, returns that one instead (the first composition wins).</summary>
    public async Task<DigestEntity> AddOrGetAsync(DigestEntity entity, DateOnly localDate, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? ETag.All;
            return entity;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return await FindRowAsync(entity.PartitionKey, entity.RowKey, cancellationToken)
                ?? throw new InvalidOperationException($"Digest {entity.PartitionKey}/{entity.RowKey} existed and then vanished.", e);
        }
    }

    /// <summary>When the latest digest before <paramref name="localDate"/> (within <paramref name="days"/> days) was composed; null for none.</summary>
    public async Task<DateTimeOffset?> PreviousComposedAtAsync(string tenantId, DateOnly localDate, int days, CancellationToken cancellationToken)
    {
        DateTimeOffset? latest = null;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and RowKey ge {DigestEntity.RowFor(localDate.AddDays(-days))} and RowKey lt {DigestEntity.RowFor(localDate)}");
        await foreach (var mark in Table.QueryAsync<DigestEntity>(filter, select: [nameof(DigestEntity.ComposedAt)], cancellationToken: cancellationToken))
        {
            latest = latest is { } l && l > mark.ComposedAt ? l : mark.ComposedAt;
        }

        return latest;
    }

    public async Task MarkPublishedAsync(DigestEntity entity, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(
                new TableEntity(entity.PartitionKey, entity.RowKey) { [nameof(DigestEntity.PublishedAt)] = at }, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed())
        {
            // Another composer published the same event and marked it first.
        }
    }
}
