using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Notifications.Digests;

/// <summary>A tenant's daily digest settings: <c>GET/PUT /api/digest-settings</c>, kept on the tenant row.</summary>
public static class DigestSettingsApi
{
    public static RouteGroupBuilder MapDigestSettings(this RouteGroupBuilder api)
    {
        var digests = api.MapGroup("").WithTags("Digests").RequireTenant();
        digests.MapGet(ApiRoutes.DigestSettings, GetAsync).WithName(FunctionNames.GetDigestSettings)
            .WithSummary("When the tenant's daily digest goes out (local time and IANA time zone; default 09:00 Asia/Shanghai) and whether a weekly all clear is sent.");
        digests.MapPut(ApiRoutes.DigestSettings, PutAsync).WithName(FunctionNames.PutDigestSettings)
            .WithSummary("Replace the tenant's digest settings; fields left out take their defaults.")
            .AcceptsJson<DigestSettingsRequest>();
        return api;
    }

    public static async Task<Results<Ok<DigestSettingsView>, NotFoundProblem>> GetAsync(
        CurrentTenant tenant, TenantStore tenants, CancellationToken cancellationToken)
    {
        var entity = await tenants.FindAsync(tenant.Id, cancellationToken);
        return entity is null ? TenantGone(tenant) : TypedResults.Ok(DigestSettingsView.Of(DigestSettingsJson.Of(entity)));
    }

    public static async Task<Results<Ok<DigestSettingsView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, CurrentTenant tenant, TenantStore tenants, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync<DigestSettingsRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var settings = body.Value.Parse();
        if (!settings.IsValid)
        {
            return settings.Problem;
        }

        var saved = await tenants.MergeSettingsAsync(
            tenant.Id, new Dictionary<string, object?> { [nameof(TenantEntity.DigestSettings)] = DigestSettingsJson.Serialize(settings.Value) }, cancellationToken);
        return saved ? TypedResults.Ok(DigestSettingsView.Of(settings.Value)) : TenantGone(tenant);
    }

    private static NotFoundProblem TenantGone(CurrentTenant tenant) => Problems.NotFound($"Tenant '{tenant.Id}' does not exist.");
}
