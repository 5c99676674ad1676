using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NumberTrust.Storage;

namespace NumberTrust.Health;

public sealed record HealthView(string Status, string Storage, string? Detail);

/// <summary><c>GET /api/health</c>: anonymous; says whether storage answers.</summary>
public sealed class HealthApi(StorageAccount storage)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> GetAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            await foreach (var _ in storage.Table(TableNames.Tenants).QueryAsync<Azure.Data.Tables.TableEntity>(
                               maxPerPage: 1, select: ["RowKey"], cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }

            return TypedResults.Ok(new HealthView("healthy", "reachable", null));
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or AggregateException && !cancellationToken.IsCancellationRequested)
        {
            var detail = e is OperationCanceledException ? $"Storage did not answer within {Budget.TotalSeconds:0} s." : e.Message.Split('\n')[0];
            return TypedResults.Json(new HealthView("unhealthy", "unreachable", detail), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
