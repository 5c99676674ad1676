using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Tenants;

/// <summary>Resolves the tenant from the <c>x-api-key</c> header; the tenant is never taken from the request itself.</summary>
public sealed partial class ApiKeyAuthenticator(
    StorageAccount storage, IMemoryCache cache, IOptions<AuthOptions> options, TimeProvider time, ILogger<ApiKeyAuthenticator> logger)
{
    private const string MissingKey = "Send an API key in the x-api-key header.";
    private const string BadKey = "The API key is not valid or has been revoked.";

    public async Task<(TenantContext? Tenant, ProblemHttpResult? Problem)> AuthenticateAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var presented = request.Headers[ApiHeaders.ApiKey].ToString();
        if (presented.Length == 0)
        {
            return (null, Problems.Unauthorized(MissingKey));
        }

        if (!ApiKeys.TryParse(presented, out var keyId, out var secret))
        {
            return (null, Problems.Unauthorized(BadKey));
        }

        var cacheKey = "apikey:" + keyId;
        if (!cache.TryGetValue(cacheKey, out CachedKey? entry) || entry is null)
        {
            entry = await LoadAsync(keyId, cancellationToken);
            if (entry is null)
            {
                Log.UnknownKey(logger, keyId);
                return (null, Problems.Unauthorized(BadKey));
            }

            cache.Set(cacheKey, entry, time.GetUtcNow() + options.Value.KeyCacheDuration);
        }

        if (!ApiKeys.Matches(secret, entry.SecretHash))
        {
            Log.WrongSecret(logger, keyId);
            return (null, Problems.Unauthorized(BadKey));
        }

        return (entry.Tenant, null);
    }

    /// <summary>Checks the bootstrap admin key.</summary>
    public ProblemHttpResult? AuthenticateAdmin(HttpRequest request)
    {
        var adminKey = options.Value.AdminKey;
        if (string.IsNullOrEmpty(adminKey))
        {
            return Problems.Unauthorized("Admin endpoints are disabled: no Auth:AdminKey is configured.");
        }

        var presented = request.Headers[ApiHeaders.ApiKey].ToString();
        if (presented.Length == 0)
        {
            return Problems.Unauthorized(MissingKey);
        }

        return ApiKeys.SecretEquals(presented, adminKey) ? null : Problems.Unauthorized("The admin key is not valid.");
    }

    /// <summary>Drops a key from this instance's cache at once (other instances drop it within the cache duration).</summary>
    public void Forget(string keyId) => cache.Remove("apikey:" + keyId);

    private async Task<CachedKey?> LoadAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await storage.Table(TableNames.ApiKeys)
            .GetEntityIfExistsAsync<ApiKeyEntity>(keyId, ApiKeyEntity.Row, cancellationToken: cancellationToken);
        if (!key.HasValue || key.Value!.RevokedAt is not null)
        {
            return null;
        }

        var tenant = await storage.Table(TableNames.Tenants)
            .GetEntityIfExistsAsync<TenantEntity>(TenantEntity.Partition, key.Value.TenantId, cancellationToken: cancellationToken);
        return tenant.HasValue
            ? new CachedKey(key.Value.SecretHash, new TenantContext(tenant.Value!.RowKey, tenant.Value.DefaultRegion))
            : null;
    }

    private sealed record CachedKey(string SecretHash, TenantContext Tenant);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "API key {KeyId} is unknown or revoked")]
        public static partial void UnknownKey(ILogger logger, string keyId);

        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "API key {KeyId} was presented with a wrong secret")]
        public static partial void WrongSecret(ILogger logger, string keyId);
    }
}
