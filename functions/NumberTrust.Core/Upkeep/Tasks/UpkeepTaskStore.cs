using Azure;
using Azure.Data.Tables;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.Tasks;

/// <summary>The tasks (<see cref="UpkeepTaskEntity"/>) of table <c>UpkeepTasks</c>.</summary>
public sealed class UpkeepTaskStore(StorageAccount storage)
{
    private TableClient Table => storage.Table(TableNames.UpkeepTasks);

    public async Task<UpkeepTaskEntity?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<UpkeepTaskEntity>(tenantId, id, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Adds the task unless its id exists (another tick, a run before a crash): false then, and nothing changes.</summary>
    public async Task<bool> TryAddAsync(UpkeepTaskEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return false;
        }
    }

    /// <summary>Writes a changed task if it is unchanged since read; false when it changed (the caller reads again) or is gone.</summary>
    public async Task<bool> TryUpdateAsync(UpkeepTaskEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>The tenant's tasks with ids from <paramref name="fromId"/> on (ids start with their period's day).</summary>
    public IAsyncEnumerable<UpkeepTaskEntity> FromAsync(string tenantId, string fromId, CancellationToken cancellationToken) =>
        Table.QueryAsync<UpkeepTaskEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {fromId}"), cancellationToken: cancellationToken);

    /// <summary>One page in id order after <paramref name="after"/>, filtered by the table (status, number, due day).</summary>
    public async Task<(IReadOnlyList<UpkeepTaskEntity> Items, string? LastKey)> PageAsync(
        string tenantId, string? after, string? status, string? number, string? dueBefore, int pageSize, CancellationToken cancellationToken)
    {
        var filters = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {after ?? ""}") };
        if (status is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        }

        if (number is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Number eq {number}"));
        }

        if (dueBefore is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"DueOn lt {dueBefore}"));
        }

        var items = new List<UpkeepTaskEntity>();
        await foreach (var entity in Table.QueryAsync<UpkeepTaskEntity>(string.Join(" and ", filters), maxPerPage: Math.Min(pageSize + 1, 1000), cancellationToken: cancellationToken))
        {
            if (items.Count == pageSize)
            {
                return (items, items[^1].RowKey);
            }

            items.Add(entity);
        }

        return (items, null);
    }

    public static bool ETagMatches(string ifMatch, UpkeepTaskEntity entity) => NumberStore.ETagMatches(ifMatch, entity.EntityTag);
}
