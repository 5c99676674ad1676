using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NumberTrust.Hosting;
using NumberTrust.Platforms;

namespace NumberTrust.Appeals;

/// <summary>Body of <c>POST /api/numbers/{number}/appeals</c>.</summary>
public sealed record CreateAppealRequest(
    string? Platform, string? Reason, string? ContactName, string? ContactPhone, string? ContactEmail,
    string? CompanyName, string? RegistrationId, string? Text, string? Actor);

/// <summary>Body of <c>POST /api/appeals/{id}/submit</c> and <c>/withdraw</c>.</summary>
public sealed record AppealActionRequest(string? Actor, string? Why, bool Force = false);

/// <summary>Body of <c>POST /api/appeals/{id}/updates</c>: what the platform said.</summary>
public sealed record AppealUpdateRequest(string? Status, string? Reason, string? Note, string? TicketNumber, string? Actor);

/// <summary>The <c>If-Match</c> guard of appeal changes.</summary>
public sealed record AppealPreconditions(
    [FromHeader(Name = "If-Match")] [property: Description("The ETag the appeal must still have.")] string? IfMatch)
{
    public string? Match => string.IsNullOrWhiteSpace(IfMatch) ? null : IfMatch.Trim();
}

/// <summary>Query of <c>GET /api/appeals</c>.</summary>
public sealed record ListAppealsQuery(
    [FromQuery(Name = "status")] [property: Description("Only appeals in this state (Draft, Submitted, InReview, Resolved, Rejected, Withdrawn, Expired).")] string? Status,
    [FromQuery(Name = "platform")] [property: Description("Only appeals on this platform.")] string? Platform,
    [FromQuery(Name = "number")] [property: Description("Only appeals for this E.164 number.")] string? Number,
    [FromQuery(Name = "overdue")] [property: Description("true: only open appeals past the platform's typical turnaround; false: only the others.")] string? Overdue,
    [FromQuery(Name = "pageSize")] [property: Description("Items per page, 1 to 200 (default 50).")] string? PageSize,
    [FromQuery(Name = "continuationToken")] [property: Description("The continuationToken of the previous page.")] string? ContinuationToken)
{
    public Validated<(Func<AppealEntity, bool> Keep, int PageSize, string? After)> Parse(PlatformIdSet platforms, Func<AppealEntity, bool> isOverdue)
    {
        bool? overdue = null;
        if (Overdue is { } o)
        {
            if (!bool.TryParse(o, out var parsedOverdue))
            {
                return Problems.Invalid("overdue", "overdue must be true or false.");
            }

            overdue = parsedOverdue;
        }

        var pageSize = 50;
        if (PageSize is { } text && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 200))
        {
            return Problems.Invalid("pageSize", "pageSize must be a whole number from 1 to 200.");
        }

        AppealStatus? status = null;
        if (Status is { } s)
        {
            if (!Enum.TryParse<AppealStatus>(s, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(s, out _))
            {
                return Problems.Invalid("status", $"status must be one of {string.Join(", ", Enum.GetNames<AppealStatus>())}.");
            }

            status = parsed;
        }

        if (Platform is { } p && !platforms.IsKnown(p))
        {
            return Problems.Invalid("platform", $"Unknown platform '{Display.Shorten(p)}'.");
        }

        if (ContinuationToken is { } token && !token.StartsWith(AppealEntity.RowPrefix, StringComparison.Ordinal))
        {
            return Problems.Invalid("continuationToken", "continuationToken is not one this API returned.");
        }

        var number = Number?.Trim();
        Func<AppealEntity, bool> keep = a =>
            (status is null || a.State == status) && (Platform is null || a.Platform == Platform) && (number is null || a.Number == number)
            && (overdue is null || isOverdue(a) == overdue);
        return (keep, pageSize, ContinuationToken);
    }
}

/// <summary>A platform's answer ready to apply: the target state (null = a note), the transition's why, and what to keep.</summary>
public sealed record PlatformUpdate(AppealStatus? To, string Why, string? Reason, string? Note, string? TicketNumber, bool Removed);
