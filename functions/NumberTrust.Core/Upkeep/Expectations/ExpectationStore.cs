using Azure;
using Azure.Data.Tables;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.Expectations;

/// <summary>Expectations (<c>UpkeepExpectations</c>) and planned display labels (<c>UpkeepDisplayLabels</c>), both partitioned by tenant.</summary>
public sealed class ExpectationStore(StorageAccount storage)
{
    private TableClient Expectations => storage.Table(TableNames.UpkeepExpectations);

    private TableClient Labels => storage.Table(TableNames.UpkeepDisplayLabels);

    public static string RowOf(string e164, string platform) => e164 + "|" + platform;

    /// <summary>
    /// The index row of a number and platform (partition = the E.164 number, which no tenant id can be): one property per tenant
    /// with an expectation there, so a lookup finds whom to compare for with one point read, a 404 for nearly every number.
    /// </summary>
    public static string IndexRow(string platform) => "index|" + platform;

    private static string IndexProperty(string tenantId) => "E_" + Lookups.LabelFingerprint.PropertySafe(tenantId);

    /// <summary>The tenants with an expectation for the number on the platform (possibly one just deleted: the caller reads each row).</summary>
    public async Task<IReadOnlyList<string>> TenantsExpectingAsync(string e164, string platform, CancellationToken cancellationToken)
    {
        var found = await Expectations.GetEntityIfExistsAsync<TableEntity>(e164, IndexRow(platform), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } row)
        {
            return [];
        }

        return row.Where(p => p.Key.StartsWith("E_", StringComparison.Ordinal) && p.Value is string { Length: > 0 })
            .Select(p => (string)p.Value).ToList();
    }

    /// <summary>Marks (or, with false, unmarks) the tenant in the index row; a merge touches only the tenant's own property.</summary>
    private Task IndexAsync(string tenantId, string e164, string platform, bool expecting, CancellationToken cancellationToken) =>
        Expectations.UpsertEntityAsync(
            new TableEntity(e164, IndexRow(platform)) { [IndexProperty(tenantId)] = expecting ? tenantId : "" }, TableUpdateMode.Merge, cancellationToken);

    public async Task<ExpectationEntity?> FindAsync(string tenantId, string e164, string platform, CancellationToken cancellationToken)
    {
        var found = await Expectations.GetEntityIfExistsAsync<ExpectationEntity>(tenantId, RowOf(e164, platform), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Creates or replaces an expectation, keeping its episode and reminder state. Null with <see cref="SaveOutcome.PreconditionFailed"/>
    /// when If-Match names another version (or there is no row to match).
    /// </summary>
    public async Task<(SaveOutcome Outcome, ExpectationEntity? Entity)> SaveAsync(
        string tenantId, string e164, string platform, ExpectationInput input, string? ifMatch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(tenantId, e164, platform, cancellationToken);
        if (ifMatch is not null && (existing is null || !NumberStore.ETagMatches(ifMatch, existing.EntityTag)))
        {
            return (SaveOutcome.PreconditionFailed, existing);
        }

        var entity = existing ?? new ExpectationEntity { PartitionKey = tenantId, RowKey = RowOf(e164, platform), Number = e164, Platform = platform };
        entity.DisplayName = input.DisplayName;
        entity.CertificationProvider = input.CertificationProvider;
        entity.CertificationExpires = input.CertificationExpires is { } day ? DayRange.Text(day) : null;
        entity.UpdatedAt = now;
        // Index first, on every write: a crash before the row leaves an entry that finds nothing, never a row no lookup finds,
        // and a write racing a delete's unmarking marks the tenant again.
        await IndexAsync(tenantId, e164, platform, true, cancellationToken);

        try
        {
            var response = existing is null
                ? await Expectations.AddEntityAsync(entity, cancellationToken)
                : await Expectations.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return (existing is null ? SaveOutcome.Created : SaveOutcome.Updated, entity);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A scan or another write moved the row between the read and the write: the client reads again.
            return (SaveOutcome.PreconditionFailed, await FindAsync(tenantId, e164, platform, cancellationToken));
        }
    }

    /// <summary>Writes the episode or reminder state of a row read before; false when the row changed meanwhile (or is gone).</summary>
    public async Task<bool> TryUpdateAsync(ExpectationEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await Expectations.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Null when there was nothing to delete.</summary>
    public async Task<SaveOutcome?> DeleteAsync(string tenantId, string e164, string platform, string? ifMatch, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(tenantId, e164, platform, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        if (ifMatch is not null && !NumberStore.ETagMatches(ifMatch, existing.EntityTag))
        {
            return SaveOutcome.PreconditionFailed;
        }

        try
        {
            // The SDK answers a missing entity with its 404 response rather than an exception.
            var response = await Expectations.DeleteEntityAsync(tenantId, existing.RowKey, ifMatch is null ? ETag.All : existing.ETag, cancellationToken);
            if (response.Status == 404)
            {
                return null;
            }

            await IndexAsync(tenantId, e164, platform, false, cancellationToken);
            return SaveOutcome.Updated;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return SaveOutcome.PreconditionFailed;
        }
    }

    /// <summary>The tenant's expectations that carry a certification expiry date, for the reminder timer.</summary>
    public IAsyncEnumerable<ExpectationEntity> WithExpiryAsync(string tenantId, CancellationToken cancellationToken) =>
        Expectations.QueryAsync<ExpectationEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and CertificationExpires ne {""}"), cancellationToken: cancellationToken);

    public async Task<PlannedLabelEntity> AddLabelAsync(PlannedLabelEntity label, CancellationToken cancellationToken)
    {
        var response = await Labels.AddEntityAsync(label, cancellationToken);
        label.ETag = response.Headers.ETag ?? default;
        return label;
    }

    /// <summary>The planned labels of one number, in id order (ids sort by creation).</summary>
    public async Task<IReadOnlyList<PlannedLabelEntity>> LabelsAsync(string tenantId, string e164, CancellationToken cancellationToken)
    {
        var (low, high) = (e164 + "|", e164 + "|~");
        var result = new List<PlannedLabelEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {low} and RowKey lt {high}");
        await foreach (var label in Labels.QueryAsync<PlannedLabelEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(label);
        }

        return result;
    }

    /// <summary>Every planned label of a tenant, for the reminder timer.</summary>
    public IAsyncEnumerable<PlannedLabelEntity> AllLabelsAsync(string tenantId, CancellationToken cancellationToken) =>
        Labels.QueryAsync<PlannedLabelEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}"), cancellationToken: cancellationToken);

    public async Task<bool> DeleteLabelAsync(string tenantId, string e164, string id, CancellationToken cancellationToken)
    {
        // The SDK answers a missing entity with its 404 response rather than an exception.
        var response = await Labels.DeleteEntityAsync(tenantId, e164 + "|" + id, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Records a sent label reminder; false when the label changed or was deleted meanwhile (the next tick decides again).</summary>
    public async Task<bool> TryUpdateLabelAsync(PlannedLabelEntity label, CancellationToken cancellationToken)
    {
        try
        {
            await Labels.UpdateEntityAsync(label, label.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }
}
