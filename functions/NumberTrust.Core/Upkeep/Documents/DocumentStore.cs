using Azure;
using Azure.Data.Tables;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.Documents;

/// <summary>Table <c>UpkeepDocuments</c>: one partition per tenant, one row per document.</summary>
public sealed class DocumentStore(StorageAccount storage)
{
    private TableClient Table => storage.Table(TableNames.UpkeepDocuments);

    public async Task<DocumentEntity?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<DocumentEntity>(tenantId, id, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task<DocumentEntity> AddAsync(string tenantId, DocumentInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Version 7 ids start with the creation time: ids sort by creation and never collide.
        var entity = new DocumentEntity { PartitionKey = tenantId, RowKey = Guid.CreateVersion7(now).ToString("N")[..20], CreatedAt = now };
        Apply(entity, input, now);
        var response = await Table.AddEntityAsync(entity, cancellationToken);
        entity.ETag = response.Headers.ETag ?? default;
        return entity;
    }

    /// <summary>Replaces a document's fields (keeping its reminder state); null when it does not exist.</summary>
    public async Task<(SaveOutcome Outcome, DocumentEntity? Entity)?> ReplaceAsync(
        string tenantId, string id, DocumentInput input, string? ifMatch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(tenantId, id, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        if (ifMatch is not null && !NumberStore.ETagMatches(ifMatch, entity.EntityTag))
        {
            return (SaveOutcome.PreconditionFailed, entity);
        }

        Apply(entity, input, now);
        try
        {
            var response = await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return (SaveOutcome.Updated, entity);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The reminder timer recorded a reminder between the read and the write: the client reads again.
            return (SaveOutcome.PreconditionFailed, await FindAsync(tenantId, id, cancellationToken));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Null when there was nothing to delete.</summary>
    public async Task<SaveOutcome?> DeleteAsync(string tenantId, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(tenantId, id, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        if (ifMatch is not null && !NumberStore.ETagMatches(ifMatch, entity.EntityTag))
        {
            return SaveOutcome.PreconditionFailed;
        }

        try
        {
            // The SDK answers a missing entity with its 404 response rather than an exception.
            var response = await Table.DeleteEntityAsync(tenantId, id, ifMatch is null ? ETag.All : entity.ETag, cancellationToken);
            return response.Status == 404 ? null : SaveOutcome.Updated;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return SaveOutcome.PreconditionFailed;
        }
    }

    public IAsyncEnumerable<DocumentEntity> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        Table.QueryAsync<DocumentEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}"), cancellationToken: cancellationToken);

    /// <summary>Records a sent reminder; false when the document changed or was deleted meanwhile (the next tick decides again).</summary>
    public async Task<bool> TryUpdateAsync(DocumentEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    private static void Apply(DocumentEntity entity, DocumentInput input, DateTimeOffset now)
    {
        entity.Kind = input.Kind;
        entity.Title = input.Title;
        entity.Issuer = input.Issuer;
        entity.DocumentNumber = input.DocumentNumber;
        entity.Expires = DayRange.Text(input.Expires);
        entity.Number = input.Number?.E164;
        entity.UpdatedAt = now;
    }
}
