using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.CallStats;

/// <summary>One stored day with its answer rate (null without attempted calls).</summary>
public sealed record CallDayView(string Date, long Attempted, long Answered, decimal? AnswerRate);

/// <summary>The answer of <c>POST .../call-stats</c>.</summary>
public sealed record CallStatsPostView(string Number, int Stored, CallStatsTrend Trend, string? RaisedEventId, string? ScanId);

/// <summary>The answer of <c>GET .../call-stats</c>.</summary>
public sealed record CallStatsView(string Number, string From, string To, IReadOnlyList<CallDayView> Days, CallStatsTrend Trend);

/// <summary>Query of <c>GET /api/numbers/{number}/call-stats</c>.</summary>
public sealed record CallStatsQuery(
    [FromQuery(Name = "from")] [property: Description("First day (yyyy-MM-dd); default: 27 days before to.")] string? From,
    [FromQuery(Name = "to")] [property: Description("Last day (yyyy-MM-dd), the day the 7- and 28-day rates are computed for; default: today (UTC).")] string? To)
{
    public Validated<(DateOnly From, DateOnly To)> Parse(DateTimeOffset now) => DayRange.Parse(From, To, now, defaultDays: 28);
}

/// <summary>Call outcomes posted by the tenant's call platform and the answer-rate trend: <c>POST/GET /api/numbers/{number}/call-stats</c>.</summary>
public static class CallStatsApi
{
    public static RouteGroupBuilder MapCallStats(this RouteGroupBuilder api)
    {
        var stats = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        stats.MapPost(ApiRoutes.NumberCallStats, PostAsync).WithName(FunctionNames.PostCallStats)
            .WithSummary($"Record daily call outcomes (JSON array or CSV with the header date,attempted,answered; at most {CallStatsInput.MaxDays} days). A re-posted day replaces that day. A drop of the 7-day answer rate under the 28-day baseline raises upkeep.answer_rate_drop and scans the number.")
            .AcceptsBody<CallDayRequest[]>("application/json", "text/csv", "application/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        stats.MapGet(ApiRoutes.NumberCallStats, GetAsync).WithName(FunctionNames.GetCallStats)
            .WithSummary("Daily call outcomes and answer rates of a number, with its 7-day and 28-day rates, the detector's baseline and drop state.");
        return api;
    }

    public static async Task<Results<Ok<CallStatsPostView>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> PostAsync(
        [AsParameters] NumberRoute route, HttpRequest request, CurrentTenant tenant, NumberStore numbers, CallStatsService service, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var days = await ReadDaysAsync(request, time.GetUtcNow(), cancellationToken);
        if (days.Problem is { } problem)
        {
            return problem;
        }

        if (!days.Days.IsValid)
        {
            return days.Days.Problem;
        }

        var registration = await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken);
        if (registration is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var result = await service.PostAsync(tenant.Id, number.Value, registration, days.Days.Value, cancellationToken);
        return TypedResults.Ok(new CallStatsPostView(number.Value.E164, result.Stored, result.Trend, result.RaisedEventId, result.ScanId));
    }

    public static async Task<Results<Ok<CallStatsView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] NumberRoute route, [AsParameters] CallStatsQuery query, CurrentTenant tenant, NumberStore numbers, CallStatsService service,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var span = query.Parse(time.GetUtcNow());
        if (!span.IsValid)
        {
            return span.Problem;
        }

        if (await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken) is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var (from, to) = span.Value;
        var (days, trend) = await service.ReadAsync(tenant.Id, number.Value.E164, from, to, cancellationToken);
        var views = days.Select(d => new CallDayView(
            DayRange.Text(d.Date), d.Attempted, d.Answered,
            CallStatsTrend.Round(new CallTotals(d.Attempted, d.Answered).Rate))).ToList();
        return TypedResults.Ok(new CallStatsView(
            number.Value.E164, DayRange.Text(from), DayRange.Text(to), views, trend));
    }

    /// <summary>The body as days: JSON (the default) or CSV by Content-Type; a body problem (size, media type, syntax) or a validation result.</summary>
    private static async Task<(ProblemHttpResult? Problem, Validated<IReadOnlyList<CallDay>> Days)> ReadDaysAsync(
        HttpRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (request.ContentType is { Length: > 0 } contentType && HttpBody.IsMediaType(contentType, "text/csv", "application/csv"))
        {
            var bytes = await HttpBody.ReadBytesAsync(request, MaxCsvBytes, cancellationToken);
            if (!bytes.IsValid)
            {
                return (bytes.Problem, default);
            }

            return CallStatsInput.DecodeUtf8(bytes.Value) is { } text
                ? (null, CallStatsInput.FromCsv(text, now))
                : (Problems.BadRequestProblem("The CSV must be UTF-8 encoded."), default);
        }

        if (request.ContentType is { Length: > 0 } other && !HttpBody.IsMediaType(other, "application/json", "+json"))
        {
            return (Problems.UnsupportedMediaType("application/json or text/csv"), default);
        }

        var body = await HttpBody.ReadJsonAsync<CallDayRequest?[]>(request, null, cancellationToken);
        return body.IsValid ? (null, CallStatsInput.FromJson(body.Value, now)) : (body.Problem, default);
    }

    /// <summary>Room for <see cref="CallStatsInput.MaxDays"/> lines of generous width; the row limit is the real bound.</summary>
    private const int MaxCsvBytes = 64 * 1024;
}
