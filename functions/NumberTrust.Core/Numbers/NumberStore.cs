using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Numbers;

/// <summary>Outcome of a conditional registration write.</summary>
public enum SaveOutcome
{
    Created,
    Updated,
    PreconditionFailed,
}

/// <summary>Storage of registrations (tenant partitions) and the shared number facts and watcher rows (number partitions).</summary>
public sealed class NumberStore(StorageAccount storage, TimeProvider time)
{
    private TableClient Registrations => storage.Table(TableNames.Registrations);

    private TableClient Numbers => storage.Table(TableNames.Numbers);

    public async Task<RegistrationEntity?> FindAsync(string tenantId, string e164, CancellationToken cancellationToken)
    {
        var found = await Registrations.GetEntityIfExistsAsync<RegistrationEntity>(tenantId, e164, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Registers or replaces a tenant's registration. The shared number partition (facts + watcher row) is written first, in one
    /// transaction, so a registration never exists without its watcher row; a crash in between leaves only a harmless watcher row
    /// that the next write or delete reconciles.
    /// </summary>
    /// <param name="ifMatch">Required current ETag (<c>*</c> = must exist), or null.</param>
    /// <param name="ifNoneMatchAny">True when the caller sent <c>If-None-Match: *</c> (create only).</param>
    public async Task<(SaveOutcome Outcome, RegistrationEntity? Entity)> SaveAsync(
        string tenantId, CanonicalNumber number, RegistrationInput input, string? ifMatch, bool ifNoneMatchAny,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await FindAsync(tenantId, number.E164, cancellationToken);
            if ((ifNoneMatchAny && existing is not null) ||
                (ifMatch is not null && (existing is null || !ETagMatches(ifMatch, existing.ETag))))
            {
                return (SaveOutcome.PreconditionFailed, existing);
            }

            var now = time.GetUtcNow();
            var entity = new RegistrationEntity
            {
                PartitionKey = tenantId,
                RowKey = number.E164,
                DisplayName = input.DisplayName,
                Department = input.Department,
                Tags = JsonSerializer.Serialize(input.Tags),
                Cadence = input.Cadence.ToString(),
                Platforms = JsonSerializer.Serialize(input.Platforms),
                Region = number.Region,
                NumberType = number.Type.ToString(),
                CreatedAt = existing?.CreatedAt ?? now,
                UpdatedAt = now,
            };

            await WriteNumberPartitionAsync(tenantId, number, entity, cancellationToken);
            try
            {
                if (existing is null)
                {
                    var added = await Registrations.AddEntityAsync(entity, cancellationToken);
                    entity.ETag = added.Headers.ETag ?? default;
                    return (SaveOutcome.Created, entity);
                }

                var updated = await Registrations.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                entity.ETag = updated.Headers.ETag ?? default;
                return (SaveOutcome.Updated, entity);
            }
            catch (RequestFailedException e) when ((e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound()) && attempt < 3)
            {
                // Another writer got in between our read and write: read again and re-apply (last writer wins
                // unless the caller made the write conditional, in which case the next round reports it).
            }
        }
    }

    /// <summary>Deletes a registration; the number's shared facts stay (other tenants or history may refer to them).</summary>
    public async Task<SaveOutcome?> DeleteAsync(string tenantId, string e164, string? ifMatch, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(tenantId, e164, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        if (ifMatch is not null && !ETagMatches(ifMatch, existing.ETag))
        {
            return SaveOutcome.PreconditionFailed;
        }

        try
        {
            await Registrations.DeleteEntityAsync(tenantId, e164, ifMatch is null ? ETag.All : existing.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed())
        {
            return SaveOutcome.PreconditionFailed;
        }

        await Numbers.DeleteEntityAsync(e164, WatcherEntity.RowFor(tenantId), ETag.All, cancellationToken);
        return SaveOutcome.Updated;
    }

    /// <summary>Label state rows of a number (<c>label|{platform}</c>), shared by every watching tenant.</summary>
    public async Task<IReadOnlyList<TableEntity>> LabelRowsAsync(string e164, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {e164} and RowKey ge {"label|"} and RowKey lt {"label}"}");
        await foreach (var row in Numbers.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>One page of a tenant's registrations in E.164 order, optionally filtered by department and tag.</summary>
    public async Task<(IReadOnlyList<RegistrationEntity> Items, string? LastKey)> ListAsync(
        string tenantId, string? afterKey, string? department, string? tag, int pageSize, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {afterKey ?? ""}");
        if (department is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Department eq {department}");
        }

        var items = new List<RegistrationEntity>(pageSize);
        var more = false;

        // Tags live in a JSON column, so the tag filter runs here; pages are read until the page is full.
        await foreach (var entity in Registrations.QueryAsync<RegistrationEntity>(filter, maxPerPage: Math.Max(pageSize, 100), cancellationToken: cancellationToken))
        {
            if (tag is not null && !entity.TagList.Contains(tag, StringComparer.Ordinal))
            {
                continue;
            }

            if (items.Count == pageSize)
            {
                more = true;
                break;
            }

            items.Add(entity);
        }

        return (items, more ? items[^1].RowKey : null);
    }

    /// <summary>Writes the shared facts row and the tenant's watcher row of one number in one transaction.</summary>
    public async Task WriteNumberPartitionAsync(string tenantId, CanonicalNumber number, RegistrationEntity registration, CancellationToken cancellationToken)
    {
        var facts = new NumberFactsEntity { PartitionKey = number.E164, Region = number.Region, NumberType = number.Type.ToString() };
        var watcher = new WatcherEntity
        {
            PartitionKey = number.E164,
            RowKey = WatcherEntity.RowFor(tenantId),
            TenantId = tenantId,
            Cadence = registration.Cadence,
            Platforms = registration.Platforms,
            RegisteredAt = registration.CreatedAt,
        };
        await Numbers.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertMerge, facts),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, watcher),
            ],
            cancellationToken);
    }

    /// <summary>
    /// Whether an If-Match header (<c>*</c> or a list of entity tags) names the current ETag. Table ETags are weak
    /// (<c>W/"datetime'…'"</c>) and clients often echo them without the <c>W/</c> marker, so the marker is ignored.
    /// </summary>
    public static bool ETagMatches(string ifMatch, ETag current)
    {
        static string Opaque(string tag) => tag.Trim() is var t && t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t;

        var currentTag = Opaque(current.ToString());
        return ifMatch.Split(',').Select(Opaque).Any(tag => tag == "*" || tag == currentTag);
    }

    /// <summary>Opaque continuation token for a row key.</summary>
    public static string EncodeToken(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecodeToken(string token, out string lastKey)
    {
        lastKey = "";
        if (token.Length is 0 or > 200)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        if (!text.StartsWith("v1:+", StringComparison.Ordinal) || text.Length > 40 || !text[4..].All(char.IsAsciiDigit))
        {
            return false;
        }

        lastKey = text[3..];
        return true;
    }
}
