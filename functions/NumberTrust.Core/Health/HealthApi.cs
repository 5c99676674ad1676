using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Health;

public sealed record HealthView(string Status, string Storage, string? Detail, IReadOnlyList<string>? Configuration = null);

/// <summary><c>GET /api/health</c>: anonymous; 200 when storage answers and the settings are valid, 503 with the reason otherwise.</summary>
public static class HealthApi
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder api)
    {
        api.MapGet(ApiRoutes.Health, GetAsync).WithName(FunctionNames.GetHealth).WithTags("Health")
            .WithSummary("Whether the API, its settings and its storage are usable (anonymous).");
        return api;
    }

    public static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> GetAsync(
        StorageAccount storage, ConfigurationCheck configuration, CancellationToken cancellationToken)
    {
        var problems = configuration.Problems();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        string? storageProblem = null;
        try
        {
            await foreach (var _ in storage.Table(TableNames.Tenants).QueryAsync<TableEntity>(
                               maxPerPage: 1, select: ["RowKey"], cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or AggregateException or HttpRequestException &&
                                  !cancellationToken.IsCancellationRequested)
        {
            storageProblem = e is OperationCanceledException ? $"Storage did not answer within {Budget.TotalSeconds:0} s." : e.Message.Split('\n')[0];
        }

        if (storageProblem is null && problems.Count == 0)
        {
            return TypedResults.Ok(new HealthView("healthy", "reachable", null));
        }

        return TypedResults.Json(
            new HealthView("unhealthy", storageProblem is null ? "reachable" : "unreachable", storageProblem, problems.Count == 0 ? null : problems),
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
