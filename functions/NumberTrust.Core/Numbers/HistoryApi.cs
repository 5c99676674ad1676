using System.ComponentModel;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Numbers;

public sealed record HistoryEntryView(
    string Platform,
    DateTimeOffset ObservedAt,
    string FromState,
    string? FromCategory,
    string ToState,
    string? ToCategory,
    string? LabelText,
    int? ReportCount,
    string? SourceApp,
    string? Severity,
    string? EvidenceUrl,
    int? EvidenceStatus,
    string? EvidenceExcerpt);

public sealed record HistoryView(string Number, IReadOnlyList<HistoryEntryView> Items);

/// <summary>Query of <c>GET /api/numbers/{number}/history</c>.</summary>
public sealed record HistoryQuery(
    [FromQuery(Name = "platform")] [property: Description("Only this platform.")] string? Platform,
    [FromQuery(Name = "from")] [property: Description("Only changes at or after this ISO 8601 time.")] string? From,
    [FromQuery(Name = "to")] [property: Description("Only changes at or before this ISO 8601 time.")] string? To,
    [FromQuery(Name = "limit")] [property: Description("At most this many entries (1 to 1000, default 100).")] string? Limit)
{
    public const int MaxLimit = 1000;

    public Validated<(string? Platform, DateTimeOffset? From, DateTimeOffset? To, int Limit)> Parse()
    {
        var platform = Platform?.Trim().ToLowerInvariant();
        if (platform is not null && (platform.Length is 0 or > 40 || !platform.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')))
        {
            return Problems.Invalid("platform", "A platform id is lower-case letters, digits and '-'.");
        }

        if (!TryTime(From, out var from))
        {
            return Problems.Invalid("from", "from is an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z.");
        }

        if (!TryTime(To, out var to))
        {
            return Problems.Invalid("to", "to is an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z.");
        }

        var limit = 100;
        if (Limit is not null && (!int.TryParse(Limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return Problems.Invalid("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        return (platform, from, to, limit);
    }

    private static bool TryTime(string? value, out DateTimeOffset? instant)
    {
        instant = null;
        if (value is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            instant = parsed;
            return true;
        }

        return false;
    }
}

/// <summary><c>GET /api/numbers/{number}/history</c>: a number's label changes (one partition range query), newest first.</summary>
public static class HistoryApi
{
    public static async Task<Results<Ok<HistoryView>, NotFoundProblem, ValidationProblem>> GetAsync(
        [AsParameters] NumberRoute route, [AsParameters] HistoryQuery query, CurrentTenant tenant, NumberStore numbers, StorageAccount storage,
        CancellationToken cancellationToken)
    {
        var number = route.Parse(tenant);
        if (!number.IsValid)
        {
            return number.Problem;
        }

        var criteria = query.Parse();
        if (!criteria.IsValid)
        {
            return criteria.Problem;
        }

        var (platform, from, to, limit) = criteria.Value;
        var e164 = number.Value.E164;
        if (await numbers.FindAsync(tenant.Id, e164, cancellationToken) is null)
        {
            return NumbersApi.NotRegistered(number.Value);
        }

        var filter = TableKeys.WithPrefix(e164, LabelHistoryEntity.RowPrefix + (platform is null ? "" : platform + "|"));
        if (from is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ObservedAt ge {from.Value}");
        }

        if (to is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ObservedAt le {to.Value}");
        }

        var items = new List<HistoryEntryView>();
        await foreach (var h in storage.Table(TableNames.Numbers).QueryAsync<LabelHistoryEntity>(filter, cancellationToken: cancellationToken))
        {
            items.Add(new HistoryEntryView(h.Platform, h.ObservedAt, h.FromState, h.FromCategory, h.ToState, h.ToCategory, h.LabelText,
                h.ReportCount, h.SourceApp, h.Severity, h.EvidenceUrl, h.EvidenceStatus, h.EvidenceExcerpt));
        }

        return TypedResults.Ok(new HistoryView(e164, items.OrderByDescending(i => i.ObservedAt).Take(limit).ToList()));
    }
}
