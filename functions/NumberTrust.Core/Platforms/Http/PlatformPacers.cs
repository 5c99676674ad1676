using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NumberTrust.Platforms;

/// <summary>
/// One pacer per platform, shared by its adapter (a lookup's first attempt) and its HttpClient's <see cref="PacingHandler"/>
/// (retries), so every request to the platform takes a slot. Shared scope uses the registered <see cref="IPacingLedger"/>; a
/// service collection without one (the adapter tests) paces per instance.
/// </summary>
public sealed partial class PlatformPacers(IServiceProvider services, IOptionsMonitor<PlatformOptions> options, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, IRequestPacer> _pacers = new(StringComparer.Ordinal);

    public IRequestPacer For(string platformId) => _pacers.GetOrAdd(platformId, Create);

    private IRequestPacer Create(string platformId)
    {
        var o = options.Get(platformId);
        // Spacing is what the platform sees on the wire, so it runs on real time, not a test clock.
        var time = TimeProvider.System;
        var logger = loggers.CreateLogger("NumberTrust.Platforms." + platformId);
        if (o.Pacing == PacingScope.Shared && services.GetService<IPacingLedger>() is { } ledger)
        {
            return new SharedRequestPacing(ledger, platformId, o.RequestsPerSecond, o.PacingBatch, o.MaxQueuedLookups, time, logger);
        }

        if (o.Pacing == PacingScope.Shared)
        {
            Log.NoLedger(logger, platformId);
        }

        return new RequestSpacing(o.RequestsPerSecond, o.MaxQueuedLookups, time);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "{Platform}: shared pacing asked for but no pacing ledger is registered; pacing per instance")]
        public static partial void NoLedger(ILogger logger, string platform);
    }
}

/// <summary>Raised inside a platform's HttpClient when a retry can get no send slot; the adapter turns it into Unknown(RateLimited).</summary>
public sealed class PacingRejectedException(TimeSpan retryAfter) : Exception("No send slot for a retry: too many lookups wait for this platform.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Takes a send slot for every attempt but the first (which the adapter took before sending), so in-pipeline retries keep the pace.
/// Sits inside the resilience handler, so it runs once per attempt.
/// </summary>
public sealed class PacingHandler(IRequestPacer pacer) : DelegatingHandler
{
    /// <summary>Set by the adapter on a request whose first attempt already has its slot.</summary>
    public static readonly HttpRequestOptionsKey<bool> SlotTaken = new("NumberTrust.SlotTaken");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(SlotTaken, out var taken) && taken)
        {
            request.Options.Set(SlotTaken, false);
        }
        else if (await pacer.WaitTurnAsync(cancellationToken) is { } retryAfter)
        {
            throw new PacingRejectedException(retryAfter);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
