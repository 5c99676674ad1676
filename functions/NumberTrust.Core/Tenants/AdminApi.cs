using System.Text.RegularExpressions;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Storage;

namespace NumberTrust.Tenants;

public sealed record TenantRequest(string? Name, string? DefaultRegion);

public sealed record TenantView(
    string TenantId, string Name, string DefaultRegion, DateTimeOffset CreatedAt, IReadOnlyList<Scanning.PeakWindow> PeakWindows);

public sealed record CreateKeyRequest(string? Name);

/// <summary>A new key: the only time the secret is shown.</summary>
public sealed record CreatedKeyView(string KeyId, string TenantId, string Name, string Key, DateTimeOffset CreatedAt);

public sealed record KeyView(string KeyId, string TenantId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record KeyListView(IReadOnlyList<KeyView> Items);

/// <summary>Tenant and API key administration, authorised by the bootstrap admin key.</summary>
public sealed partial class AdminApi(StorageAccount storage, ApiKeyAuthenticator auth, TimeProvider time)
{
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")]
    private static partial Regex TenantIdPattern();

    public async Task<Results<Ok<TenantView>, Created<TenantView>, ProblemHttpResult>> PutTenantAsync(
        HttpRequest request, string tenantId, CancellationToken cancellationToken)
    {
        if (auth.AuthenticateAdmin(request) is { } denied)
        {
            return denied;
        }

        if (ValidateTenantId(tenantId) is { } badId)
        {
            return badId;
        }

        var (body, problem) = await HttpBody.ReadJsonAsync(request, new TenantRequest(null, null), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var region = (body!.DefaultRegion ?? "CN").Trim().ToUpperInvariant();
        if (!NumberParser.IsSupportedRegion(region))
        {
            return Problems.Invalid("defaultRegion", $"'{body.DefaultRegion}' is not a supported ISO 3166 region code.");
        }

        var name = (body.Name ?? tenantId).Trim();
        if (name.Length is 0 or > 100)
        {
            return Problems.Invalid("name", "The name must be 1 to 100 characters.");
        }

        var table = storage.Table(TableNames.Tenants);
        var existing = await table.GetEntityIfExistsAsync<TenantEntity>(TenantEntity.Partition, tenantId, cancellationToken: cancellationToken);
        var entity = existing.HasValue ? existing.Value! : new TenantEntity { RowKey = tenantId, CreatedAt = time.GetUtcNow() };
        entity.Name = name;
        entity.DefaultRegion = region;

        // Merge only what this endpoint owns: the tenant's own settings (peak windows) may be saved at the same moment.
        await table.UpsertEntityAsync(
            new Azure.Data.Tables.TableEntity(TenantEntity.Partition, tenantId)
            {
                [nameof(TenantEntity.Name)] = entity.Name,
                [nameof(TenantEntity.DefaultRegion)] = entity.DefaultRegion,
                [nameof(TenantEntity.CreatedAt)] = entity.CreatedAt,
            },
            Azure.Data.Tables.TableUpdateMode.Merge,
            cancellationToken);
        var view = ViewOf(entity);
        return existing.HasValue ? TypedResults.Ok(view) : TypedResults.Created(ApiRoutes.PathOf("admin/tenants/" + tenantId), view);
    }

    public async Task<Results<Ok<TenantView>, ProblemHttpResult>> GetTenantAsync(
        HttpRequest request, string tenantId, CancellationToken cancellationToken)
    {
        if (auth.AuthenticateAdmin(request) is { } denied)
        {
            return denied;
        }

        var tenant = await FindTenantAsync(tenantId, cancellationToken);
        return tenant is null
            ? Problems.NotFound($"Tenant '{tenantId}' does not exist.")
            : TypedResults.Ok(ViewOf(tenant));
    }

    public async Task<Results<Created<CreatedKeyView>, ProblemHttpResult>> CreateKeyAsync(
        HttpRequest request, string tenantId, CancellationToken cancellationToken)
    {
        if (auth.AuthenticateAdmin(request) is { } denied)
        {
            return denied;
        }

        var (body, problem) = await HttpBody.ReadJsonAsync(request, new CreateKeyRequest(null), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = (body!.Name ?? "default").Trim();
        if (name.Length is 0 or > 100)
        {
            return Problems.Invalid("name", "The name must be 1 to 100 characters.");
        }

        if (await FindTenantAsync(tenantId, cancellationToken) is null)
        {
            return Problems.NotFound($"Tenant '{tenantId}' does not exist.");
        }

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
        await storage.Table(TableNames.ApiKeys).AddEntityAsync(entity, cancellationToken);
        return TypedResults.Created(
            ApiRoutes.PathOf($"admin/tenants/{tenantId}/keys/{keyId}"),
            new CreatedKeyView(keyId, tenantId, name, key, entity.CreatedAt));
    }

    public async Task<Results<Ok<KeyListView>, ProblemHttpResult>> ListKeysAsync(
        HttpRequest request, string tenantId, CancellationToken cancellationToken)
    {
        if (auth.AuthenticateAdmin(request) is { } denied)
        {
            return denied;
        }

        if (await FindTenantAsync(tenantId, cancellationToken) is null)
        {
            return Problems.NotFound($"Tenant '{tenantId}' does not exist.");
        }

        // Key administration is rare and the key table is small, so a filtered scan is acceptable here.
        var keys = new List<KeyView>();
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter<ApiKeyEntity>(k => k.TenantId == tenantId);
        await foreach (var key in storage.Table(TableNames.ApiKeys).QueryAsync<ApiKeyEntity>(filter, cancellationToken: cancellationToken))
        {
            keys.Add(new KeyView(key.PartitionKey, key.TenantId, key.Name, key.CreatedAt, key.RevokedAt));
        }

        return TypedResults.Ok(new KeyListView(keys.OrderBy(k => k.CreatedAt).ToList()));
    }

    public async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        HttpRequest request, string tenantId, string keyId, CancellationToken cancellationToken)
    {
        if (auth.AuthenticateAdmin(request) is { } denied)
        {
            return denied;
        }

        var table = storage.Table(TableNames.ApiKeys);
        var key = keyId.Length == 16 && keyId.All(char.IsAsciiHexDigitLower)
            ? await table.GetEntityIfExistsAsync<ApiKeyEntity>(keyId, ApiKeyEntity.Row, cancellationToken: cancellationToken)
            : null;
        if (key is null || !key.HasValue || key.Value!.TenantId != tenantId)
        {
            return Problems.NotFound($"Key '{keyId}' does not exist for tenant '{tenantId}'.");
        }

        if (key.Value.RevokedAt is null)
        {
            key.Value.RevokedAt = time.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(key.Value, key.Value.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed())
            {
                // Revoked concurrently by another call: the outcome is the same.
            }
        }

        auth.Forget(keyId);
        return TypedResults.NoContent();
    }

    private static TenantView ViewOf(TenantEntity tenant) =>
        new(tenant.RowKey, tenant.Name, tenant.DefaultRegion, tenant.CreatedAt, Scanning.PeakWindows.Of(tenant));

    private static ProblemHttpResult? ValidateTenantId(string tenantId) =>
        TenantIdPattern().IsMatch(tenantId)
            ? null
            : Problems.Invalid("tenantId", "A tenant id is 3 to 40 characters of lower-case letters, digits and '-', starting and ending with a letter or digit.");

    private async Task<TenantEntity?> FindTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (ValidateTenantId(tenantId) is not null)
        {
            return null;
        }

        var tenant = await storage.Table(TableNames.Tenants)
            .GetEntityIfExistsAsync<TenantEntity>(TenantEntity.Partition, tenantId, cancellationToken: cancellationToken);
        return tenant.HasValue ? tenant.Value : null;
    }
}
