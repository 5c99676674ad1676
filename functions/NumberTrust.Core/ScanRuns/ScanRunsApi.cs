using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Tenants;

namespace NumberTrust.ScanRuns;

public sealed record ScanPlatformProgress(string Platform, int Queued, int Done, int Unknown, int Failed);

public sealed record ScanJobView(string Number, string Platform, ScanJobStatus Status, string? Detail);

public sealed record ScanRunView(
    string ScanId,
    string? Number,
    DateTimeOffset CreatedAt,
    bool Finished,
    int TotalJobs,
    IReadOnlyList<ScanPlatformProgress> Platforms,
    IReadOnlyList<ScanJobView> Problems,
    string? Failure = null);

/// <summary>On-demand scans: <c>POST /api/numbers/{number}/scans</c>, <c>POST /api/scans</c>, <c>GET /api/scans/{id}</c>.</summary>
public static class ScanRunsApi
{
    public static RouteGroupBuilder MapScanRuns(this RouteGroupBuilder api)
    {
        var scans = api.MapGroup("").WithTags("Scans").RequireTenant();
        scans.MapPost(ApiRoutes.NumberScans, ScanNumberAsync).WithName(FunctionNames.ScanNumber)
            .WithSummary("Scan one registered number on its platforms now; 202 with the Location of the scan run.");
        scans.MapPost(ApiRoutes.Scans, ScanTenantAsync).WithName(FunctionNames.ScanTenant)
            .WithSummary("Scan all of the tenant's numbers now; 202 with the Location of the scan run.");
        scans.MapGet(ApiRoutes.Scan, GetScanAsync).WithName(FunctionNames.GetScan)
            .WithSummary("Progress of a scan run per platform (queued, done, unknown, failed) and whether it finished.");
        return api;
    }

    public static async Task<Results<Accepted<ScanRunView>, NotFoundProblem, ValidationProblem>> ScanNumberAsync(
        [AsParameters] NumberRoute route, CurrentTenant tenant, NumberStore numbers, ScanRunService runs, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var registration = await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken);
        if (registration is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var run = await runs.StartNumberScanAsync(tenant.Id, number.Value, registration, cancellationToken);
        return TypedResults.Accepted(LocationOf(run), await runs.ViewAsync(run, cancellationToken));
    }

    public static async Task<Accepted<ScanRunView>> ScanTenantAsync(CurrentTenant tenant, ScanRunService runs, CancellationToken cancellationToken)
    {
        var run = await runs.StartTenantScanAsync(tenant.Id, cancellationToken);
        return TypedResults.Accepted(LocationOf(run), await runs.ViewAsync(run, cancellationToken));
    }

    public static async Task<Results<Ok<ScanRunView>, NotFoundProblem>> GetScanAsync(
        string scanId, CurrentTenant tenant, ScanRunService runs, CancellationToken cancellationToken)
    {
        var run = await runs.FindAsync(scanId, cancellationToken);
        return run is null || run.TenantId != tenant.Id
            ? Problems.NotFound($"Scan '{Display.Shorten(scanId)}' does not exist.")
            : TypedResults.Ok(await runs.ViewAsync(run, cancellationToken));
    }

    private static string LocationOf(ScanRunEntity run) => ApiRoutes.PathOf("scans/" + run.PartitionKey);
}
