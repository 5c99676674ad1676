using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Appeals;

/// <summary>Body of <c>PUT /api/appeal-settings</c>.</summary>
public sealed record AppealSettingsRequest(
    [property: Description("The tenant's response-time target in hours (0.25 to 720), from a label's first sighting to its appeal's submission; null for the deployment's Appeals:ResponseTarget.")]
    double? ResponseTargetHours)
{
    public const double MinHours = 0.25;
    public const double MaxHours = 720;

    public Validated<TimeSpan?> Parse() =>
        ResponseTargetHours switch
        {
            null => (TimeSpan?)null,
            var h when double.IsFinite(h.Value) && h >= MinHours && h <= MaxHours => TimeSpan.FromHours(h.Value),
            _ => Problems.Invalid("responseTargetHours", $"responseTargetHours must be between {MinHours} and {MaxHours}, or null for the default."),
        };
}

/// <param name="ResponseTargetHours">The target that applies to the tenant's appeals.</param>
/// <param name="Default">True when it is the deployment's <c>Appeals:ResponseTarget</c>, not the tenant's own.</param>
public sealed record AppealSettingsView(double ResponseTargetHours, bool Default);

/// <summary>A tenant's own appeal settings: <c>GET/PUT /api/appeal-settings</c>, kept on the tenant row.</summary>
public static class AppealSettingsApi
{
    public static RouteGroupBuilder MapAppealSettings(this RouteGroupBuilder appeals)
    {
        appeals.MapGet(ApiRoutes.AppealSettings, GetAsync).WithName(FunctionNames.GetAppealSettings)
            .WithSummary("The tenant's response-time target (from a label's first sighting to the appeal's submission), and whether it is the default.");
        appeals.MapPut(ApiRoutes.AppealSettings, PutAsync).WithName(FunctionNames.PutAppealSettings).AcceptsJson<AppealSettingsRequest>()
            .WithSummary("Set the tenant's response-time target in hours; null goes back to the deployment's default (12 h).");
        return appeals;
    }

    public static async Task<Ok<AppealSettingsView>> GetAsync(CurrentTenant tenant, AppealRoutes routes, CancellationToken cancellationToken)
    {
        var (target, own) = await routes.ResponseTargetAsync(tenant.Id, cancellationToken);
        return TypedResults.Ok(new AppealSettingsView(target.TotalHours, !own));
    }

    public static async Task<Results<Ok<AppealSettingsView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, CurrentTenant tenant, TenantStore tenants, AppealRoutes routes, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync<AppealSettingsRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var target = body.Value.Parse();
        if (!target.IsValid)
        {
            return target.Problem;
        }

        // 0 clears it: a merge cannot remove a property, and a null one is not sent at all.
        var minutes = target.Value is { } t ? t.TotalMinutes : 0;
        if (!await tenants.MergeSettingsAsync(tenant.Id, new Dictionary<string, object?> { [nameof(TenantEntity.AppealResponseTargetMinutes)] = minutes }, cancellationToken))
        {
            return Problems.NotFound($"Tenant '{tenant.Id}' does not exist.");
        }

        routes.ForgetResponseTarget(tenant.Id);
        return TypedResults.Ok(new AppealSettingsView((target.Value ?? routes.ResponseTarget).TotalHours, target.Value is null));
    }
}
