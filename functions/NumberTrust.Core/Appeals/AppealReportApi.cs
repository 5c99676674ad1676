using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Appeals;

/// <summary>One platform's appeals by status.</summary>
public sealed record AppealPlatformCount(string Platform, int Total, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>
/// The tenant's appeal report: counts by platform and status, the median response time (label first seen to submission), the
/// median time from submission to verified removal, the success rate (Resolved among Resolved, Rejected and Expired), and how
/// many submissions met the response-time target (<c>Appeals:ResponseTarget</c>).
/// </summary>
public sealed record AppealReport(
    int Total,
    IReadOnlyList<AppealPlatformCount> Platforms,
    double? MedianSecondsToSubmit,
    double? MedianSecondsToVerifiedRemoval,
    double? SuccessRate,
    int Resolved,
    int Rejected,
    int Expired,
    int Withdrawn,
    int Open,
    double ResponseTargetSeconds = 0,
    int WithinResponseTarget = 0,
    int MissedResponseTarget = 0,
    double? ResponseTargetRate = null);

public static class AppealReportApi
{
    public static RouteGroupBuilder MapAppealReport(this RouteGroupBuilder appeals)
    {
        appeals.MapGet(ApiRoutes.AppealReport, GetAsync).WithName(FunctionNames.GetAppealReport)
            .WithSummary("The tenant's appeals: counts by platform and status, median time to submit (from the label's first sighting), median time to verified removal, success rate, and submissions within the response-time target (Appeals:ResponseTarget, 12 h).");
        return appeals;
    }

    public static async Task<Ok<AppealReport>> GetAsync(CurrentTenant tenant, StorageAccount storage, AppealRoutes routes, CancellationToken cancellationToken)
    {
        var appeals = new List<AppealEntity>();
        await foreach (var appeal in storage.Table(TableNames.Appeals).QueryAsync<AppealEntity>(
            TableKeys.WithPrefix(tenant.Id, AppealEntity.RowPrefix), cancellationToken: cancellationToken))
        {
            if (!appeal.Deleting)
            {
                appeals.Add(appeal);
            }
        }

        return TypedResults.Ok(Build(appeals, (await routes.ResponseTargetAsync(tenant.Id, cancellationToken)).Target));
    }

    public static AppealReport Build(IReadOnlyList<AppealEntity> appeals, TimeSpan responseTarget)
    {
        var responses = appeals.Where(a => a is { SubmittedAt: not null, LabelFirstSeenAt: not null })
            .Select(a => Math.Max(0, (a.SubmittedAt!.Value - a.LabelFirstSeenAt!.Value).TotalSeconds)).ToList();
        var within = responses.Count(r => r <= responseTarget.TotalSeconds);
        var platforms = appeals.GroupBy(a => a.Platform, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AppealPlatformCount(g.Key, g.Count(),
                g.GroupBy(a => a.Status, StringComparer.Ordinal).OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Count())))
            .ToList();
        int Count(AppealStatus status) => appeals.Count(a => a.State == status);
        var (resolved, rejected, expired) = (Count(AppealStatus.Resolved), Count(AppealStatus.Rejected), Count(AppealStatus.Expired));
        var decided = resolved + rejected + expired;
        return new AppealReport(
            appeals.Count, platforms,
            Median(responses),
            Median(appeals.Where(a => a is { State: AppealStatus.Resolved, SubmittedAt: not null, ClosedAt: not null })
                .Select(a => (a.ClosedAt!.Value - a.SubmittedAt!.Value).TotalSeconds)),
            decided == 0 ? null : (double)resolved / decided,
            resolved, rejected, expired, Count(AppealStatus.Withdrawn), appeals.Count(a => AppealStateMachine.IsOpen(a.State)),
            responseTarget.TotalSeconds, within, responses.Count - within, responses.Count == 0 ? null : (double)within / responses.Count);
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
