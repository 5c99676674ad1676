using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Email;
using NumberTrust.Platforms;
using NumberTrust.Tenants;

namespace NumberTrust.Appeals;

/// <summary>
/// Body of <c>PUT /api/platforms/{platform}/appeal-route</c>: the fields the admin overrides. Omitted or null = keep the configured
/// value (defaults, then <c>Appeals:Routes</c>); an empty text or list, or 0, = explicitly none. The PUT replaces the whole edit.
/// </summary>
public sealed record AppealRouteRequest(
    string? Channel, string? Url, string? EmailAddress, IReadOnlyList<string>? RequiredEvidence, IReadOnlyList<string>? OptionalEvidence,
    int? TurnaroundWorkingDays, int? FrequencyLimitDays, string? Language, string? ApiUrl, string? ApiAuthHeaderName, string? ApiSecretSetting);

/// <summary>A platform's appeal route as it applies (<see cref="Effective"/>), what the admin API changed, and what configuration alone gives.</summary>
public sealed record AppealRouteView(
    string Platform, AppealRouteDetails Effective, AppealRouteRequest? Edit, DateTimeOffset? EditedAt, AppealRouteDetails Configured)
{
    /// <summary>The ETag of a route nobody has edited yet (a PUT with it fails if someone edits first).</summary>
    public const string DefaultsETag = "\"defaults\"";
}

/// <summary>Every field of a route, including the Api channel's auth header and secret setting name (never the secret).</summary>
public sealed record AppealRouteDetails(
    string Channel, string? Url, string? EmailAddress, IReadOnlyList<string> RequiredEvidence, IReadOnlyList<string> OptionalEvidence,
    int? TurnaroundWorkingDays, int? FrequencyLimitDays, string Language, string? Notes, string? ApiUrl, string? ApiAuthHeaderName, string? ApiSecretSetting)
{
    public static AppealRouteDetails Of(AppealRoute r) => new(r.Channel.ToString(), r.Url, r.EmailAddress, r.RequiredEvidence, r.OptionalEvidence,
        r.TurnaroundWorkingDays, r.FrequencyLimitDays, r.Language, r.Notes, r.ApiUrl, r.ApiAuthHeaderName, r.ApiSecretSetting);
}

/// <summary>Appeal routes as data: read and edit a platform's route (admin key; a route is global, not a tenant's).</summary>
public static class AppealRouteApi
{
    public static RouteGroupBuilder MapAppealRoutes(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").WithTags("Admin").RequireAdmin();
        admin.MapGet(ApiRoutes.PlatformAppealRoute, GetAsync).WithName(FunctionNames.GetAppealRoute)
            .WithSummary("A platform's appeal route: effective, the admin edit and the configured values; ETag for PUT (admin key).");
        admin.MapPut(ApiRoutes.PlatformAppealRoute, PutAsync).WithName(FunctionNames.PutAppealRoute).AcceptsJson<AppealRouteRequest>()
            .WithSummary("Replace a platform's appeal-route edit (channel, addresses, evidence, turnaround, limits, Api settings). Honours If-Match; 400 names bad fields, 422 an unusable channel (admin key).");
        return api;
    }

    public static async Task<Results<Ok<AppealRouteView>, NotFoundProblem>> GetAsync(
        string platform, HttpResponse response, PlatformIdSet platforms, AppealRoutes routes, AppealRouteEdits edits, CancellationToken cancellationToken)
    {
        if (!platforms.IsKnown(platform))
        {
            return NotFound(platform);
        }

        var edit = await edits.ReadAsync(platform, cancellationToken);
        response.Headers.ETag = edit?.ETag.ToString() ?? AppealRouteView.DefaultsETag;
        return TypedResults.Ok(ViewOf(platform, edit, routes));
    }

    public static async Task<Results<Ok<AppealRouteView>, NotFoundProblem, UnprocessableProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        string platform, [AsParameters] AppealPreconditions preconditions, HttpRequest request, PlatformIdSet platforms, AppealRoutes routes,
        AppealRouteEdits edits, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!platforms.IsKnown(platform))
        {
            return NotFound(platform);
        }

        var body = await HttpBody.ReadJsonAsync<AppealRouteRequest>(request, null, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var input = body.Value;
        var options = new AppealRouteOptions
        {
            Channel = input.Channel?.Trim(),
            Url = input.Url?.Trim(),
            EmailAddress = input.EmailAddress?.Trim(),
            RequiredEvidence = input.RequiredEvidence is null ? null : string.Join(',', input.RequiredEvidence),
            OptionalEvidence = input.OptionalEvidence is null ? null : string.Join(',', input.OptionalEvidence),
            TurnaroundWorkingDays = input.TurnaroundWorkingDays,
            FrequencyLimitDays = input.FrequencyLimitDays,
            Language = input.Language?.Trim(),
            ApiUrl = input.ApiUrl?.Trim(),
            ApiAuthHeaderName = input.ApiAuthHeaderName?.Trim(),
            ApiSecretSetting = input.ApiSecretSetting?.Trim(),
        };
        var errors = options.Problems()
            .GroupBy(p => JsonNamingPolicy.CamelCase.ConvertName(p.Field))
            .ToDictionary(g => g.Key, g => g.Select(p => $"{g.Key} {p.Message}").ToArray());
        foreach (var (field, value, max) in new[] { ("url", options.Url, 500), ("emailAddress", options.EmailAddress, 254), ("apiUrl", options.ApiUrl, 500),
                     ("apiAuthHeaderName", options.ApiAuthHeaderName, 100), ("apiSecretSetting", options.ApiSecretSetting, 200) })
        {
            if (value is { Length: var length } && length > max)
            {
                errors[field] = [$"{field} must be at most {max} characters."];
            }
        }

        if (options.EmailAddress is { Length: > 0 } address && !EmailOptionsValidator.LooksLikeAddress(address))
        {
            errors["emailAddress"] = ["emailAddress must be an email address."];
        }

        if (options.ApiAuthHeaderName is { Length: > 0 } header && !header.All(c => c is > ' ' and < '\u007f' and not ':'))
        {
            errors["apiAuthHeaderName"] = ["apiAuthHeaderName must be an HTTP header name."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var effective = AppealRoutes.Apply(routes.Configured(platform), options);
        if (UnusableProblem(effective) is { } unusable)
        {
            return unusable;
        }

        var (outcome, edit) = await edits.WriteAsync(platform, options, preconditions.Match, clock.GetUtcNow(), cancellationToken);
        if (outcome == RouteWriteOutcome.PreconditionFailed)
        {
            return Problems.PreconditionFailed($"The appeal route of {platform} has changed (current ETag {edit?.ETag.ToString() ?? AppealRouteView.DefaultsETag}).");
        }

        request.HttpContext.Response.Headers.ETag = edit!.ETag.ToString();
        return TypedResults.Ok(ViewOf(platform, edit, routes));
    }

    /// <summary>422 for a route whose channel could never send: Email without an address, Api without a URL or with a header but no secret setting.</summary>
    private static UnprocessableProblem? UnusableProblem(AppealRoute route)
    {
        var (field, problem) = route switch
        {
            { Channel: AppealChannel.Email, EmailAddress: null } => ("emailAddress", "An Email route needs an emailAddress."),
            { Channel: AppealChannel.Api, ApiUrl: null } => ("apiUrl", "An Api route needs an apiUrl (the vendor's remediation endpoint)."),
            { Channel: AppealChannel.Api, ApiAuthHeaderName: not null, ApiSecretSetting: null } =>
                ("apiSecretSetting", "apiAuthHeaderName is set, so apiSecretSetting must name the app setting that holds its value."),
            _ => (null, null),
        };
        return problem is null
            ? null
            : Problems.Unprocessable($"{problem} Set it, or choose another channel.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field!] = [problem] } });
    }

    private static AppealRouteView ViewOf(string platform, AppealRouteEntity? edit, AppealRoutes routes)
    {
        var configured = routes.Configured(platform);
        var effective = edit is null ? configured : AppealRoutes.Apply(configured, edit.Options);
        var request = edit is null
            ? null
            : new AppealRouteRequest(edit.Channel, edit.Url, edit.EmailAddress,
                edit.RequiredEvidence is null ? null : AppealRoutes.SplitKinds(edit.RequiredEvidence),
                edit.OptionalEvidence is null ? null : AppealRoutes.SplitKinds(edit.OptionalEvidence),
                edit.TurnaroundWorkingDays, edit.FrequencyLimitDays, edit.Language, edit.ApiUrl, edit.ApiAuthHeaderName, edit.ApiSecretSetting);
        return new AppealRouteView(platform, AppealRouteDetails.Of(effective), request, edit?.UpdatedAt, AppealRouteDetails.Of(configured));
    }

    private static NotFoundProblem NotFound(string platform) => Problems.NotFound($"Platform '{Display.Shorten(platform)}' does not exist.");
}
