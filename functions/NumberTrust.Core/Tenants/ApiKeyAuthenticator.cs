using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Tenants;

/// <summary>The outcome of authenticating a tenant key: the tenant, or the 401/429 problem to answer with.</summary>
public readonly record struct AuthResult(TenantContext? Tenant, IResult? Problem)
{
    [MemberNotNullWhen(true, nameof(Tenant))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;
}

/// <summary>
/// Resolves the tenant from the <c>x-api-key</c> header. Known keys are cached, unknown or revoked key ids too (briefly), and a
/// client address that keeps failing gets 429 with Retry-After before any storage read, so bad keys cannot cost reads without limit.
/// </summary>
public sealed partial class ApiKeyAuthenticator(
    StorageAccount storage, IMemoryCache cache, IOptions<AuthOptions> options, TimeProvider time, ILogger<ApiKeyAuthenticator> logger)
{
    private const string MissingKey = "Send an API key in the x-api-key header.";
    private const string BadKey = "The API key is not valid or has been revoked.";

    public async Task<AuthResult> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var presented = http.Request.Headers[ApiHeaders.ApiKey].ToString();
        if (presented.Length == 0)
        {
            return new(null, Problems.Unauthorized(MissingKey));
        }

        // A valid key is never throttled; an address that keeps failing is refused before it can cost a storage read.
        var address = ClientAddress(http);
        if (!ApiKeys.TryParse(presented, out var keyId, out var secret))
        {
            return Throttled(address) is { } throttledBadShape ? new(null, throttledBadShape) : Failed(address);
        }

        var cacheKey = "apikey:" + keyId;
        if (cache.TryGetValue(cacheKey, out CachedKey? cached) && cached is { Tenant: not null } && ApiKeys.Matches(secret, cached.SecretHash))
        {
            return new(cached.Tenant, null);
        }

        if (Throttled(address) is { } throttled)
        {
            return new(null, throttled);
        }

        var entry = cached;
        if (entry is null)
        {
            entry = await LoadAsync(keyId, cancellationToken);
            var ttl = entry.Tenant is null ? options.Value.UnknownKeyCacheDuration : options.Value.KeyCacheDuration;
            cache.Set(cacheKey, entry, time.GetUtcNow() + ttl);
        }

        if (entry.Tenant is null)
        {
            Log.UnknownKey(logger, keyId);
            return Failed(address);
        }

        if (!ApiKeys.Matches(secret, entry.SecretHash))
        {
            Log.WrongSecret(logger, keyId);
            return Failed(address);
        }

        return new(entry.Tenant, null);
    }

    /// <summary>Checks the bootstrap admin key; null when the request may go on.</summary>
    public IResult? AuthenticateAdmin(HttpContext http)
    {
        var o = options.Value;
        if (o.AdminKeyProblem is { } problem)
        {
            return Problems.Unavailable(problem);
        }

        if (o.AdminKey is not { } adminKey)
        {
            return Problems.Unauthorized("Admin endpoints are disabled: no Auth:AdminKey is configured.");
        }

        var presented = http.Request.Headers[ApiHeaders.ApiKey].ToString();
        if (presented.Length == 0)
        {
            return Problems.Unauthorized(MissingKey);
        }

        var address = ClientAddress(http);
        if (Throttled(address) is { } throttled)
        {
            return throttled;
        }

        return ApiKeys.SecretEquals(presented, adminKey) ? null : Failed(address, "The admin key is not valid.").Problem;
    }

    /// <summary>Drops a key from this instance's cache at once (other instances drop it within the cache duration).</summary>
    public void Forget(string keyId) => cache.Remove("apikey:" + keyId);

    private AuthResult Failed(string address, string detail = BadKey)
    {
        var counter = cache.GetOrCreate("authfail:" + address, e =>
        {
            e.AbsoluteExpiration = time.GetUtcNow() + options.Value.FailureWindow;
            return new FailureCounter(time.GetUtcNow() + options.Value.FailureWindow);
        })!;
        Interlocked.Increment(ref counter.Count);
        return new(null, Problems.Unauthorized(detail));
    }

    private RetryAfterResult? Throttled(string address)
    {
        if (!cache.TryGetValue("authfail:" + address, out FailureCounter? counter) || counter is null ||
            Volatile.Read(ref counter.Count) < options.Value.MaxFailuresPerWindow)
        {
            return null;
        }

        var wait = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((counter.Until - time.GetUtcNow()).TotalSeconds)));
        Log.Throttled(logger, address, (int)wait.TotalSeconds);
        return new RetryAfterResult(
            Problems.TooManyRequests($"Too many failed authentications from this address; try again in {wait.TotalSeconds:0} s."), wait);
    }

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private async Task<CachedKey> LoadAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await storage.Table(TableNames.ApiKeys)
            .GetEntityIfExistsAsync<ApiKeyEntity>(keyId, ApiKeyEntity.Row, cancellationToken: cancellationToken);
        if (!key.HasValue || key.Value!.RevokedAt is not null)
        {
            return CachedKey.Unknown;
        }

        var tenant = await storage.Table(TableNames.Tenants)
            .GetEntityIfExistsAsync<TenantEntity>(TenantEntity.Partition, key.Value.TenantId, cancellationToken: cancellationToken);
        return tenant.HasValue
            ? new CachedKey(key.Value.SecretHash, new TenantContext(tenant.Value!.RowKey, tenant.Value.DefaultRegion))
            : CachedKey.Unknown;
    }

    private sealed record CachedKey(string SecretHash, TenantContext? Tenant)
    {
        public static readonly CachedKey Unknown = new("", null);
    }

    private sealed class FailureCounter(DateTimeOffset until)
    {
        public int Count;

        public DateTimeOffset Until { get; } = until;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "API key {KeyId} is unknown or revoked")]
        public static partial void UnknownKey(ILogger logger, string keyId);

        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "API key {KeyId} was presented with a wrong secret")]
        public static partial void WrongSecret(ILogger logger, string keyId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Client {Address} keeps failing authentication; throttled for {Seconds} s")]
        public static partial void Throttled(ILogger logger, string address, int seconds);
    }
}
