using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Tenants;

/// <summary>Tenant rows and their API keys.</summary>
public sealed class TenantStore(StorageAccount storage, TimeProvider time)
{
    private TableClient Tenants => storage.Table(TableNames.Tenants);

    private TableClient Keys => storage.Table(TableNames.ApiKeys);

    public async Task<TenantEntity?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        var found = await Tenants.GetEntityIfExistsAsync<TenantEntity>(TenantEntity.Partition, tenantId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Creates or updates a tenant's name and region; returns the tenant and whether it was new.</summary>
    public async Task<(TenantEntity Tenant, bool Created)> PutAsync(string tenantId, string name, string region, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(tenantId, cancellationToken);
        var entity = existing ?? new TenantEntity { RowKey = tenantId, CreatedAt = time.GetUtcNow() };
        entity.Name = name;
        entity.DefaultRegion = region;

        // Merge only what this call owns: the tenant's own settings (peak windows) may be saved at the same moment.
        await Tenants.UpsertEntityAsync(
            new TableEntity(TenantEntity.Partition, tenantId)
            {
                [nameof(TenantEntity.Name)] = entity.Name,
                [nameof(TenantEntity.DefaultRegion)] = entity.DefaultRegion,
                [nameof(TenantEntity.CreatedAt)] = entity.CreatedAt,
            },
            TableUpdateMode.Merge,
            cancellationToken);
        return (entity, existing is null);
    }

    /// <summary>Merges a few of the tenant's own settings; false when the tenant does not exist.</summary>
    public async Task<bool> MergeSettingsAsync(string tenantId, IDictionary<string, object?> properties, CancellationToken cancellationToken)
    {
        var update = new TableEntity(TenantEntity.Partition, tenantId);
        foreach (var (key, value) in properties)
        {
            update[key] = value;
        }

        try
        {
            await Tenants.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>Creates a key for a tenant; the secret is returned only here.</summary>
    public async Task<(ApiKeyEntity Entity, string Key)> CreateKeyAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var (keyId, key) = ApiKeys.Create();
        _ = ApiKeys.TryParse(key, out _, out var secret);
        var entity = new ApiKeyEntity
        {
            PartitionKey = keyId,
            TenantId = tenantId,
            Name = name,
            SecretHash = ApiKeys.Hash(secret!),
            CreatedAt = time.GetUtcNow(),
        };
        await Keys.AddEntityAsync(entity, cancellationToken);
        return (entity, key);
    }

    public async Task<IReadOnlyList<ApiKeyEntity>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        // Key administration is rare and the key table is small, so a filtered scan is acceptable here.
        var keys = new List<ApiKeyEntity>();
        var filter = TableClient.CreateQueryFilter<ApiKeyEntity>(k => k.TenantId == tenantId);
        await foreach (var key in Keys.QueryAsync<ApiKeyEntity>(filter, cancellationToken: cancellationToken))
        {
            keys.Add(key);
        }

        return keys.OrderBy(k => k.CreatedAt).ToList();
    }

    /// <summary>Revokes a tenant's key; false when the key does not exist for that tenant.</summary>
    public async Task<bool> RevokeKeyAsync(string tenantId, string keyId, CancellationToken cancellationToken)
    {
        if (keyId.Length != 16 || !keyId.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        var key = await Keys.GetEntityIfExistsAsync<ApiKeyEntity>(keyId, ApiKeyEntity.Row, cancellationToken: cancellationToken);
        if (!key.HasValue || key.Value!.TenantId != tenantId)
        {
            return false;
        }

        if (key.Value.RevokedAt is null)
        {
            key.Value.RevokedAt = time.GetUtcNow();
            try
            {
                await Keys.UpdateEntityAsync(key.Value, key.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed())
            {
                // Revoked concurrently by another call: the outcome is the same.
            }
        }

        return true;
    }
}
