using Microsoft.Extensions.Logging;

namespace NumberTrust.Platforms;

/// <summary>
/// Send slots claimed from the <see cref="IPacingLedger"/> in batches (at most <c>RequestsPerSecond x PacingBatch</c>, never more than
/// the lookups waiting here), so every instance's requests to a platform add up to its configured rate. A claimed slot that
/// passed unused (more than half an interval ago) is dropped, never sent late, since the next slot may belong to another instance.
/// </summary>
public sealed partial class SharedRequestPacing(
    IPacingLedger ledger, string platformId, double requestsPerSecond, TimeSpan batch, int maxQueued, TimeProvider time, ILogger logger) : IRequestPacer
{
    private static readonly TimeSpan LedgerRetry = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _slots = new();
    private readonly SemaphoreSlim _claim = new(1, 1);
    private readonly int _maxBatch = Math.Max(1, (int)Math.Floor(requestsPerSecond * batch.TotalSeconds));
    private int _needing;

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(1 / requestsPerSecond);

    public async Task<TimeSpan?> WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _needing) > maxQueued + 1)
        {
            Interlocked.Decrement(ref _needing);
            return Interval * maxQueued;
        }

        DateTimeOffset slot;
        try
        {
            slot = await TakeSlotAsync(cancellationToken);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TimeoutException)
        {
            // Without the ledger no instance may send: the configured rate is a promise to the platform.
            Log.LedgerUnavailable(logger, platformId, e.Message);
            return LedgerRetry;
        }
        finally
        {
            Interlocked.Decrement(ref _needing);
        }

        while (slot - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        return null;
    }

    private async Task<DateTimeOffset> TakeSlotAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(out var slot))
            {
                return slot;
            }

            await _claim.WaitAsync(cancellationToken);
            try
            {
                if (TryTake(out slot))
                {
                    return slot;
                }

                // One claim covers every lookup waiting now (up to a batch), so a busy instance pays one transaction per batch.
                var count = Math.Clamp(Volatile.Read(ref _needing), 1, _maxBatch);
                var first = await ledger.ClaimAsync(platformId, count, Interval, time.GetUtcNow(), cancellationToken);
                lock (_gate)
                {
                    for (var i = 0; i < count; i++)
                    {
                        _slots.Enqueue(first + i * Interval);
                    }
                }
            }
            finally
            {
                _claim.Release();
            }
        }
    }

    private bool TryTake(out DateTimeOffset slot)
    {
        lock (_gate)
        {
            var stale = time.GetUtcNow() - Interval / 2;
            while (_slots.TryDequeue(out slot))
            {
                if (slot >= stale)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6200, Level = LogLevel.Warning, Message = "Pacing ledger unavailable for {Platform}; lookups wait: {Reason}")]
        public static partial void LedgerUnavailable(ILogger logger, string platform, string reason);
    }
}
