using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Scheduling;

namespace NumberTrust.Tenants;

public sealed record TenantRequest(string? Name, string? DefaultRegion);

public sealed record TenantView(string TenantId, string Name, string DefaultRegion, DateTimeOffset CreatedAt, IReadOnlyList<PeakWindow> PeakWindows);

public sealed record CreateKeyRequest(string? Name);

/// <summary>A new key: the only time the secret is shown.</summary>
public sealed record CreatedKeyView(string KeyId, string TenantId, string Name, string Key, DateTimeOffset CreatedAt);

public sealed record KeyView(string KeyId, string TenantId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record KeyListView(IReadOnlyList<KeyView> Items);

/// <summary>Tenant and API key administration (<c>/api/admin/...</c>), authorised by the bootstrap admin key.</summary>
public static partial class AdminApi
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").WithTags("Admin").RequireAdmin();
        admin.MapPut(ApiRoutes.AdminTenant, PutTenantAsync).WithName(FunctionNames.PutTenant)
            .WithSummary("Create or update a tenant (admin key).")
            .AcceptsJson<TenantRequest>();
        admin.MapGet(ApiRoutes.AdminTenant, GetTenantAsync).WithName(FunctionNames.GetTenant)
            .WithSummary("A tenant (admin key).");
        admin.MapPost(ApiRoutes.AdminTenantKeys, CreateKeyAsync).WithName(FunctionNames.CreateTenantKey)
            .WithSummary("Create an API key for a tenant; the key is shown only in this response (admin key).")
            .AcceptsJson<CreateKeyRequest>();
        admin.MapGet(ApiRoutes.AdminTenantKeys, ListKeysAsync).WithName(FunctionNames.ListTenantKeys)
            .WithSummary("A tenant's API keys, without secrets (admin key).");
        admin.MapDelete(ApiRoutes.AdminTenantKey, RevokeKeyAsync).WithName(FunctionNames.RevokeTenantKey)
            .WithSummary("Revoke a tenant's API key (admin key).");
        return api;
    }

    public static async Task<Results<Ok<TenantView>, Created<TenantView>, ValidationProblem, ProblemHttpResult>> PutTenantAsync(
        string tenantId, HttpRequest request, TenantStore tenants, CancellationToken cancellationToken)
    {
        if (ValidateTenantId(tenantId) is { } badId)
        {
            return badId;
        }

        var body = await HttpBody.ReadJsonAsync(request, new TenantRequest(null, null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var region = (body.Value.DefaultRegion ?? "CN").Trim().ToUpperInvariant();
        if (!NumberParser.IsSupportedRegion(region))
        {
            return Problems.Invalid("defaultRegion", $"'{body.Value.DefaultRegion}' is not a supported ISO 3166 region code.");
        }

        var name = (body.Value.Name ?? tenantId).Trim();
        if (name.Length is 0 or > 100)
        {
            return Problems.Invalid("name", "The name must be 1 to 100 characters.");
        }

        var (tenant, created) = await tenants.PutAsync(tenantId, name, region, cancellationToken);
        var view = ViewOf(tenant);
        return created ? TypedResults.Created(ApiRoutes.PathOf("admin/tenants/" + tenantId), view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<TenantView>, NotFoundProblem>> GetTenantAsync(
        string tenantId, TenantStore tenants, CancellationToken cancellationToken)
    {
        var tenant = IsTenantId(tenantId) ? await tenants.FindAsync(tenantId, cancellationToken) : null;
        return tenant is null ? TenantNotFound(tenantId) : TypedResults.Ok(ViewOf(tenant));
    }

    public static async Task<Results<Created<CreatedKeyView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> CreateKeyAsync(
        string tenantId, HttpRequest request, TenantStore tenants, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new CreateKeyRequest(null), cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var name = (body.Value.Name ?? "default").Trim();
        if (name.Length is 0 or > 100)
        {
            return Problems.Invalid("name", "The name must be 1 to 100 characters.");
        }

        if (!IsTenantId(tenantId) || await tenants.FindAsync(tenantId, cancellationToken) is null)
        {
            return TenantNotFound(tenantId);
        }

        var (entity, key) = await tenants.CreateKeyAsync(tenantId, name, cancellationToken);
        return TypedResults.Created(
            ApiRoutes.PathOf($"admin/tenants/{tenantId}/keys/{entity.PartitionKey}"),
            new CreatedKeyView(entity.PartitionKey, tenantId, name, key, entity.CreatedAt));
    }

    public static async Task<Results<Ok<KeyListView>, NotFoundProblem>> ListKeysAsync(
        string tenantId, TenantStore tenants, CancellationToken cancellationToken)
    {
        if (!IsTenantId(tenantId) || await tenants.FindAsync(tenantId, cancellationToken) is null)
        {
            return TenantNotFound(tenantId);
        }

        var keys = await tenants.ListKeysAsync(tenantId, cancellationToken);
        return TypedResults.Ok(new KeyListView(keys.Select(k => new KeyView(k.PartitionKey, k.TenantId, k.Name, k.CreatedAt, k.RevokedAt)).ToList()));
    }

    public static async Task<Results<NoContent, NotFoundProblem>> RevokeKeyAsync(
        string tenantId, string keyId, TenantStore tenants, ApiKeyAuthenticator auth, CancellationToken cancellationToken)
    {
        if (!await tenants.RevokeKeyAsync(tenantId, keyId, cancellationToken))
        {
            return Problems.NotFound($"Key '{Display.Shorten(keyId)}' does not exist for tenant '{Display.Shorten(tenantId)}'.");
        }

        auth.Forget(keyId);
        return TypedResults.NoContent();
    }

    private static TenantView ViewOf(TenantEntity tenant) =>
        new(tenant.RowKey, tenant.Name, tenant.DefaultRegion, tenant.CreatedAt, PeakWindows.Of(tenant));

    private static NotFoundProblem TenantNotFound(string tenantId) => Problems.NotFound($"Tenant '{Display.Shorten(tenantId)}' does not exist.");

    private static bool IsTenantId(string tenantId) => TenantIdPattern().IsMatch(tenantId);

    private static ValidationProblem? ValidateTenantId(string tenantId) =>
        IsTenantId(tenantId)
            ? null
            : Problems.Invalid("tenantId", "A tenant id is 3 to 40 characters of lower-case letters, digits and '-', starting and ending with a letter or digit.");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")]
    private static partial Regex TenantIdPattern();
}
