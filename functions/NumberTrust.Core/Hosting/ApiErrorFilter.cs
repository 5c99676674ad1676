using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Hosting;

/// <summary>
/// Around every endpoint in both hosts: storage that cannot be reached (an outage, throttling, a role not yet granted) is the
/// service's trouble, answered 503 with Retry-After and logged, never a bare 500. Anything else is a bug and surfaces as one.
/// </summary>
public sealed partial class ApiErrorFilter(ILogger<ApiErrorFilter> logger) : IEndpointFilter
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (StorageUnavailable(e) is { } reason && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            Log.StorageUnavailable(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, reason);
            return new RetryAfterResult(Problems.Unavailable("Storage is not available right now; try again shortly. " + reason), RetryAfter);
        }
        catch (RequestFailedException e) when (e.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
        {
            // Optimistic rounds ran out while others kept writing the same rows: nothing was half-written, the client may retry.
            Log.Contended(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, e.Status);
            return new RetryAfterResult(Problems.Problem(StatusCodes.Status409Conflict, "Conflict", "Others changed this data at the same moment; try again."), TimeSpan.FromSeconds(1));
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            // A setting this endpoint needs is invalid: the operator's problem, named as health names it, not a bug.
            return Problems.Unavailable("The configuration is invalid: " + e.Message);
        }
    }

    /// <summary>Why an exception means storage is unavailable, or null when it means something else.</summary>
    public static string? StorageUnavailable(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 403 or >= 500 } e => $"({e.Status} {e.ErrorCode})",
        AggregateException e when e.InnerExceptions.All(i => StorageUnavailable(i) is not null) => StorageUnavailable(e.InnerExceptions[0]),
        HttpRequestException or TimeoutException => $"({exception.GetType().Name})",
        TaskCanceledException { InnerException: TimeoutException } => "(timeout)",
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "{Method} {Path}: gave up on contended storage writes ({Status})")]
        public static partial void Contended(ILogger logger, string method, string path, int status);

        [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "{Method} {Path}: storage unavailable {Reason}")]
        public static partial void StorageUnavailable(ILogger logger, string method, string path, string reason);
    }
}
