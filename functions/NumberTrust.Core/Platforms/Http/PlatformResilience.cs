using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace NumberTrust.Platforms;

/// <summary>
/// The resilience pipeline of one platform's HttpClient: total timeout, retries with jittered exponential back-off for transient
/// failures only (connection errors, 5xx, 408, attempt timeouts, a 429 whose Retry-After is short), a circuit breaker that also
/// counts block pages and captchas as failures (so a platform that keeps blocking us is left alone), and a per-attempt timeout.
/// Each platform has its own pipeline and therefore its own breaker.
/// </summary>
public static class PlatformResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, string platformId, PlatformOptions options, TimeProvider time)
    {
        var detectBlock = PlatformBlockDetection.For(platformId);
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.Timeout });
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "transient",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, options, time)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited
                        ? PlatformPacing.RetryAfter(limited.Headers.RetryAfter, time)
                        : null),
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "breaker",
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            ShouldHandle = args => IsBreakerFailureAsync(args.Outcome, detectBlock, options.MaxResponseBytes, args.Context.CancellationToken),
        });
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    /// <summary>Worth another attempt in place: connection failures, attempt timeouts, 5xx, 408, and a 429 that asks for a short wait.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome, PlatformOptions options, TimeProvider time) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } when (int)response.StatusCode is 408 or 500 or 502 or 503 or 504 => true,
        { Result: { StatusCode: HttpStatusCode.TooManyRequests } response } =>
            PlatformPacing.RetryAfter(response.Headers.RetryAfter, time) is { } wait && wait <= options.MaxInlineRetryAfter,
        _ => false,
    };

    /// <summary>What the breaker counts as a failure: transport errors, timeouts, 5xx, 408, 429, and block or captcha answers.</summary>
    public static async ValueTask<bool> IsBreakerFailureAsync(
        Outcome<HttpResponseMessage> outcome, Func<PlatformResponse, UnknownReason?> detectBlock, int maxBytes, CancellationToken cancellationToken)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException or IOException;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status >= 500 || status is 408 or 429)
        {
            return true;
        }

        // Reading buffers the body, so the adapter reads the same bytes afterwards.
        var read = await PlatformResponse.ReadAsync(response, maxBytes, cancellationToken);
        return detectBlock(read) is not null;
    }
}
