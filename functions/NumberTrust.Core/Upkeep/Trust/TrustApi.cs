using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Numbers;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Trust;

/// <summary>One day of a number's trust score and the platforms that labeled it.</summary>
public sealed record TrustDayView(string Date, int TrustScore, IReadOnlyList<string> LabeledPlatforms);

/// <summary>The answer of <c>GET /api/numbers/{number}/trust</c>.</summary>
public sealed record TrustSeriesView(string Number, string From, string To, IReadOnlyList<TrustDayView> Days);

/// <summary>One number in the tenant's trust summary: the score today and its change over 7 and 90 days (null without a score then).</summary>
public sealed record TrustSummaryItem(string Number, string? DisplayName, int? TrustScore, int? Change7Day, int? Change90Day);

/// <summary>A page of the tenant's trust summary.</summary>
public sealed record TrustSummaryPage(string AsOf, IReadOnlyList<TrustSummaryItem> Items, string? ContinuationToken);

/// <summary>Query of <c>GET /api/numbers/{number}/trust</c>.</summary>
public sealed record TrustSeriesQuery(
    [FromQuery(Name = "from")] [property: Description("First day (yyyy-MM-dd, UTC); default: 89 days before to.")] string? From,
    [FromQuery(Name = "to")] [property: Description("Last day (yyyy-MM-dd, UTC); default: today.")] string? To)
{
    public Validated<(DateOnly From, DateOnly To)> Parse(DateTimeOffset now) => DayRange.Parse(From, To, now, defaultDays: 90);
}

/// <summary>Query of <c>GET /api/reports/trust</c>.</summary>
public sealed record TrustSummaryQuery(
    [FromQuery(Name = "pageSize")] [property: Description("Numbers per page, 1 to 100 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken)
{
    public Validated<(int PageSize, string? After)> Parse()
    {
        var pageSize = 50;
        if (PageSize is { } text && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 100))
        {
            return Problems.Invalid("pageSize", "pageSize must be a whole number from 1 to 100.");
        }

        string? after = null;
        if (ContinuationToken is { } token && !NumberStore.TryDecodeToken(token, out after!))
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this API issued.");
        }

        return (pageSize, after);
    }
}

/// <summary>The trust score over time: <c>GET /api/numbers/{number}/trust</c> and the tenant summary <c>GET /api/reports/trust</c>.</summary>
public static class TrustApi
{
    public static RouteGroupBuilder MapTrust(this RouteGroupBuilder api)
    {
        var trust = api.MapGroup("").WithTags("Upkeep").RequireTenant();
        trust.MapGet(ApiRoutes.NumberTrust, GetSeriesAsync).WithName(FunctionNames.GetTrustSeries)
            .WithSummary("The number's trust score per day (UTC) with the platforms labeling it, from its first scored day.");
        trust.MapGet(ApiRoutes.TrustReport, GetSummaryAsync).WithName(FunctionNames.GetTrustReport)
            .WithSummary("Each of the tenant's numbers with its trust score today and the change over 7 and 90 days, paged in E.164 order.");
        return api;
    }

    public static async Task<Results<Ok<TrustSeriesView>, NotFoundProblem, ValidationProblem>> GetSeriesAsync(
        [AsParameters] NumberRoute route, [AsParameters] TrustSeriesQuery query, CurrentTenant tenant, NumberStore numbers, TrustHistoryStore history,
        PlatformSelection selection, TrustScorer scorer, TimeProvider time, CancellationToken cancellationToken)
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

        var registration = await numbers.FindAsync(tenant.Id, number.Value.E164, cancellationToken);
        if (registration is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var (from, to) = span.Value;
        var shown = selection.ToShow(number.Value, registration.PlatformList).ToHashSet(StringComparer.Ordinal);
        var days = TrustSeries.Daily(await history.DaysAsync(number.Value.E164, to, cancellationToken), from, to, shown, scorer);
        return TypedResults.Ok(new TrustSeriesView(number.Value.E164, Text(from), Text(to),
            days.Select(d => new TrustDayView(Text(d.Date), d.Score, d.Labeled)).ToList()));
    }

    public static async Task<Results<Ok<TrustSummaryPage>, ValidationProblem>> GetSummaryAsync(
        [AsParameters] TrustSummaryQuery query, CurrentTenant tenant, NumberStore numbers, TrustHistoryStore history, PlatformSelection selection,
        TrustScorer scorer, TimeProvider time, CancellationToken cancellationToken)
    {
        var page = query.Parse();
        if (!page.IsValid)
        {
            return page.Problem;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (registrations, lastKey) = await numbers.ListAsync(tenant.Id, page.Value.After, page.Value.PageSize, cancellationToken);
        // One small range query per number (rows exist only for days of change), a few at a time.
        var items = new TrustSummaryItem[registrations.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, registrations.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var registration = registrations[i];
                var shown = selection.ToShow(registration.Number(), registration.PlatformList).ToHashSet(StringComparer.Ordinal);
                var recorded = await history.DaysAsync(registration.RowKey, today, ct);
                var now = TrustSeries.On(recorded, today, shown, scorer);
                int? Change(int days) => now is { } n && TrustSeries.On(recorded, today.AddDays(-days), shown, scorer) is { } then ? n - then : null;
                items[i] = new TrustSummaryItem(registration.RowKey, registration.DisplayName, now, Change(7), Change(90));
            });
        return TypedResults.Ok(new TrustSummaryPage(Text(today), items, lastKey is null ? null : NumberStore.EncodeToken(lastKey)));
    }

    private static string Text(DateOnly day) => DayRange.Text(day);
}
