using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Scheduling;

/// <summary>A tenant's peak windows: <c>GET/PUT /api/peak-windows</c>. A save queues the pull-forward (<see cref="SchedulePuller"/>).</summary>
public static class PeakWindowsApi
{
    public static RouteGroupBuilder MapPeakWindows(this RouteGroupBuilder api)
    {
        var peakWindows = api.MapGroup("").WithTags("PeakWindows").RequireTenant();
        peakWindows.MapGet(ApiRoutes.PeakWindows, GetAsync).WithName(FunctionNames.GetPeakWindows)
            .WithSummary("The tenant's peak windows: periods in which its numbers on auto cadence are scanned daily.");
        peakWindows.MapPut(ApiRoutes.PeakWindows, PutAsync).WithName(FunctionNames.PutPeakWindows)
            .WithSummary($"Replace the tenant's peak windows (at most {PeakWindows.MaxWindows}, each at most 92 days; windows already over are dropped). Numbers due later than a window's start are moved earlier in the background.")
            .AcceptsJson<PeakWindowsRequest>();
        return api;
    }

    public static async Task<Results<Ok<PeakWindowsView>, NotFoundProblem>> GetAsync(
        CurrentTenant tenant, TenantStore tenants, CancellationToken cancellationToken)
    {
        // Read through to storage, not the planner's cache: a client reads back what it saved, whichever instance answers.
        var entity = await tenants.FindAsync(tenant.Id, cancellationToken);
        return entity is null ? TenantGone(tenant) : TypedResults.Ok(new PeakWindowsView(PeakWindows.Of(entity)));
    }

    public static async Task<Results<Ok<PeakWindowsView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, CurrentTenant tenant, SchedulePuller puller, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync<PeakWindowsRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var (windows, errors) = PeakWindows.From(body.Value, time.GetUtcNow());
        if (windows is null)
        {
            return Problems.Invalid(errors);
        }

        return await puller.SaveAsync(tenant.Id, windows, cancellationToken)
            ? TypedResults.Ok(new PeakWindowsView(windows))
            : TenantGone(tenant);
    }

    private static NotFoundProblem TenantGone(CurrentTenant tenant) => Problems.NotFound($"Tenant '{tenant.Id}' does not exist.");
}
