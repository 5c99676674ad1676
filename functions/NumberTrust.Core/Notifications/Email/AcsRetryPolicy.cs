using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// The pipeline's retry step, in place of Azure.Core's so that back-off and Retry-After waits run on the injected clock.
/// Retrying a send is safe because every POST carries an <c>Operation-Id</c>, which ACS deduplicates. A Retry-After longer
/// than <see cref="RetryOptions.MaxDelay"/> is not waited out in place: the caller gets it on the exception and reschedules.
/// </summary>
internal sealed partial class AcsRetryPolicy(EmailClientOptions options) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        for (var attempt = 1; ; attempt++)
        {
            var context = message.ProcessingContext;
            context.RetryNumber = attempt - 1;
            TimeSpan? delay;
            try
            {
                await ProcessNextAsync(message, pipeline);
                delay = DelayAfterResponse(message, attempt);
            }
            catch (Exception e) when (IsTransportFailure(e, message))
            {
                delay = DelayAfterFailure(e, attempt);
                if (delay is null)
                {
                    throw;
                }
            }

            if (delay is not { } wait)
            {
                return;
            }

            await Task.Delay(wait, options.TimeProvider, message.CancellationToken);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        for (var attempt = 1; ; attempt++)
        {
            var context = message.ProcessingContext;
            context.RetryNumber = attempt - 1;
            TimeSpan? delay;
            try
            {
                ProcessNext(message, pipeline);
                delay = DelayAfterResponse(message, attempt);
            }
            catch (Exception e) when (IsTransportFailure(e, message))
            {
                delay = DelayAfterFailure(e, attempt);
                if (delay is null)
                {
                    throw;
                }
            }

            if (delay is not { } wait)
            {
                return;
            }

            Wait(wait, message.CancellationToken);
        }
    }

    private TimeSpan? DelayAfterResponse(HttpMessage message, int attempt)
    {
        var response = message.Response;
        if (response.Status is not (408 or 429 or 500 or 502 or 503 or 504) || attempt > options.Retry.MaxRetries)
        {
            return null;
        }

        var asked = AcsRetryAfter.Read(response, options.TimeProvider.GetUtcNow());
        if (asked > options.Retry.MaxDelay)
        {
            Log.RetryAfterTooLong(options.Logger, response.Status, asked.Value);
            return null;
        }

        var delay = asked ?? Backoff(attempt);
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        Log.Retrying(options.Logger, response.Status, code ?? "", attempt, delay);
        // The next attempt replaces this response; its buffered body is no longer needed.
        response.ContentStream?.Dispose();
        return delay;
    }

    private TimeSpan? DelayAfterFailure(Exception failure, int attempt)
    {
        if (attempt > options.Retry.MaxRetries)
        {
            return null;
        }

        var delay = Backoff(attempt);
        Log.RetryingAfterFailure(options.Logger, failure.GetType().Name, failure.Message, attempt, delay);
        return delay;
    }

    /// <summary>Exponential from <see cref="RetryOptions.Delay"/>, capped at <see cref="RetryOptions.MaxDelay"/>, with ±20 % jitter.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.Retry.Delay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, options.Retry.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private static bool IsTransportFailure(Exception e, HttpMessage message) =>
        e is RequestFailedException { Status: 0 } or HttpRequestException or IOException ||
        (e is OperationCanceledException && !message.CancellationToken.IsCancellationRequested);

    /// <summary>A blocking wait on the injected clock, for the synchronous pipeline (no sync-over-async).</summary>
    private void Wait(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        // Not disposed: a timer callback may still run after the wait ends, and an undisposed event has no handle to leak.
        var elapsed = new ManualResetEventSlim();
        using var timer = options.TimeProvider.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), elapsed, delay, Timeout.InfiniteTimeSpan);
        elapsed.Wait(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "ACS Email answered HTTP {Status} {ErrorCode}; attempt {Attempt} is retried in {Delay}")]
        public static partial void Retrying(ILogger logger, int status, string errorCode, int attempt, TimeSpan delay);

        [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "ACS Email could not be reached ({ExceptionType}: {Message}); attempt {Attempt} is retried in {Delay}")]
        public static partial void RetryingAfterFailure(ILogger logger, string exceptionType, string message, int attempt, TimeSpan delay);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "ACS Email answered HTTP {Status} with Retry-After {RetryAfter}, longer than the client waits in place")]
        public static partial void RetryAfterTooLong(ILogger logger, int status, TimeSpan retryAfter);
    }
}
