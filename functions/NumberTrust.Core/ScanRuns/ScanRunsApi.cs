using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using System.Globalization;
using NumberTrust.Lookups;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Tenants;

namespace NumberTrust.ScanRuns;

public sealed record ScanPlatformProgress(string Platform, int Queued, int Done, int Unknown, int Failed);

/// <summary>One job of a run; <see cref="Shared"/> when another job's lookup answered it, <see cref="ObservedAt"/> when that lookup read the platform.</summary>
public sealed record ScanJobView(string Number, string Platform, ScanJobStatus Status, string? Detail, bool Shared = false, DateTimeOffset? ObservedAt = null);

public sealed record ScanRunView(
    string ScanId,
    string? Number,
    DateTimeOffset CreatedAt,
    bool Finished,
    int TotalJobs,
    IReadOnlyList<ScanPlatformProgress> Platforms,
    IReadOnlyList<ScanJobView> Problems,
    string? Failure = null,
    IReadOnlyList<ScanJobView>? Jobs = null);

/// <summary>
/// Body of <c>POST /api/numbers/{number}/scans</c> and <c>POST /api/scans</c> (optional): <c>fresh</c> asks for a lookup made after the request, <c>maxAgeSeconds</c> for
/// one at most that old; either, when shorter than the shared freshness window, counts against the tenant's fresh-scan quota.
/// </summary>
public sealed record ScanNumberRequest(
    [property: Description("true: do not share an observation read before this request (counts against the tenant's fresh-scan quota).")] bool? Fresh,
    [property: Description("Share only an observation at most this many seconds old (0 to 86400); below Lookups:SharedFreshness it counts against the quota.")]
    int? MaxAgeSeconds)
{
    public const int MaxAgeLimitSeconds = 86_400;

    /// <summary>The run's own bound on a shared observation's age: null to use the window, else shorter than it.</summary>
    public Validated<TimeSpan?> Parse(TimeSpan window)
    {
        if (MaxAgeSeconds is < 0 or > MaxAgeLimitSeconds)
        {
            return Problems.Invalid("maxAgeSeconds", $"maxAgeSeconds must be between 0 and {MaxAgeLimitSeconds}.");
        }

        if (Fresh == true && MaxAgeSeconds is > 0)
        {
            return Problems.Invalid("fresh", "fresh: true asks for a lookup made after the request; leave maxAgeSeconds out (or 0) with it.");
        }

        var maxAge = Fresh == true ? TimeSpan.Zero : MaxAgeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return maxAge < window ? maxAge : (TimeSpan?)null;
    }
}

/// <summary>On-demand scans: <c>POST /api/numbers/{number}/scans</c>, <c>POST /api/scans</c>, <c>GET /api/scans/{id}</c>.</summary>
public static class ScanRunsApi
{
    public static RouteGroupBuilder MapScanRuns(this RouteGroupBuilder api)
    {
        var scans = api.MapGroup("").WithTags("Scans").RequireTenant();
        scans.MapPost(ApiRoutes.NumberScans, ScanNumberAsync).WithName(FunctionNames.ScanNumber).AcceptsJson<ScanNumberRequest>()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Scan one registered number on its platforms now; 202 with the Location of the scan run. Observations of the number read within "
                + "Lookups:SharedFreshness (any tenant's, or the schedule's) and lookups in flight are shared; fresh=true or maxAgeSeconds asks for a newer "
                + "one, within the tenant's quota (429 with Retry-After beyond it).");
        scans.MapPost(ApiRoutes.Scans, ScanTenantAsync).WithName(FunctionNames.ScanTenant).AcceptsJson<ScanNumberRequest>()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Scan all of the tenant's numbers now; 202 with the Location of the scan run. Shares observations as a one-number scan does; "
                + "fresh=true or maxAgeSeconds applies to every job and counts once against the tenant's fresh-scan quota.");
        scans.MapGet(ApiRoutes.Scan, GetScanAsync).WithName(FunctionNames.GetScan)
            .WithSummary("Progress of a scan run per platform (queued, done, unknown, failed) and whether it finished.");
        return api;
    }

    public static async Task<Results<Accepted<ScanRunView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> ScanNumberAsync(
        [AsParameters] NumberRoute route, HttpRequest request, CurrentTenant tenant, NumberStore numbers, ScanRunService runs, FreshScanQuota quota,
        IOptionsMonitor<SharedLookupOptions> sharing, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var (maxAge, unreadable) = await ReadMaxAgeAsync(request, sharing, cancellationToken);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (!maxAge.IsValid)
        {
            return maxAge.Problem;
        }

        var registration = await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken);
        if (registration is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        if (await QuotaRefusalAsync(maxAge.Value, request, tenant, quota, sharing, cancellationToken) is { } refused)
        {
            return refused;
        }

        var run = await runs.StartNumberScanAsync(tenant.Id, number.Value, registration, cancellationToken, maxAge.Value);
        return TypedResults.Accepted(LocationOf(run), await runs.ViewAsync(run, cancellationToken));
    }

    /// <summary>A tenant-wide run takes the same optional body; a fresh one counts once against the quota, whatever its size.</summary>
    public static async Task<Results<Accepted<ScanRunView>, ValidationProblem, ProblemHttpResult>> ScanTenantAsync(
        HttpRequest request, CurrentTenant tenant, ScanRunService runs, FreshScanQuota quota, IOptionsMonitor<SharedLookupOptions> sharing,
        CancellationToken cancellationToken)
    {
        var (maxAge, unreadable) = await ReadMaxAgeAsync(request, sharing, cancellationToken);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (!maxAge.IsValid)
        {
            return maxAge.Problem;
        }

        if (await QuotaRefusalAsync(maxAge.Value, request, tenant, quota, sharing, cancellationToken) is { } refused)
        {
            return refused;
        }

        var run = await runs.StartTenantScanAsync(tenant.Id, cancellationToken, maxAge.Value);
        return TypedResults.Accepted(LocationOf(run), await runs.ViewAsync(run, cancellationToken));
    }

    /// <summary>The optional body's bound on a shared observation's age; <c>Unreadable</c> when the body is not JSON of the right shape.</summary>
    private static async Task<(Validated<TimeSpan?> MaxAge, ProblemHttpResult? Unreadable)> ReadMaxAgeAsync(
        HttpRequest request, IOptionsMonitor<SharedLookupOptions> sharing, CancellationToken cancellationToken)
    {
        var body = await HttpBody.ReadJsonAsync(request, new ScanNumberRequest(null, null), cancellationToken);
        return body.IsValid ? (body.Value.Parse(sharing.CurrentValue.SharedFreshness), null) : (default, body.Problem);
    }

    /// <summary>The 429 for a scan asking for a lookup newer than the window beyond the tenant's quota; null when it may go ahead.</summary>
    private static async Task<ProblemHttpResult?> QuotaRefusalAsync(
        TimeSpan? maxAge, HttpRequest request, CurrentTenant tenant, FreshScanQuota quota, IOptionsMonitor<SharedLookupOptions> sharing, CancellationToken cancellationToken)
    {
        if (maxAge is null || await quota.TakeAsync(tenant.Id, cancellationToken) is not { } wait)
        {
            return null;
        }

        request.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.TooManyRequests(
            $"This tenant has used its {sharing.CurrentValue.FreshScansPerWindow} scans asking for a fresh lookup in {sharing.CurrentValue.FreshScanWindow}; "
            + "try again later, or scan without fresh/maxAgeSeconds to share a recent observation.");
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
