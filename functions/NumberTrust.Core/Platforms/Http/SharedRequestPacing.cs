using Microsoft.Extensions.Logging;

namespace NumberTrust.Platforms;

/// <summary>
/// Send slots claimed from the <see cref="IPacingLedger"/> in batches (at most <c>RequestsPerSecond x PacingBatch</c>, never more than
/// the lookups waiting here), so every instance's requests to a platform add up to its configured rate. Claims ask for slots
/// starting one claim round trip ahead, so they are still to come when the claim returns; a slot that passed unused by more than
/// <see cref="Tolerance"/> is dropped, never sent late, since the next slot may belong to another instance.
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
    private int _withoutSlot;
    private long _claimTicks = TimeSpan.FromMilliseconds(20).Ticks;

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(1 / requestsPerSecond);

    /// <summary>How late a slot may still be used: half an interval, at least 25 ms (at high rates a few ms of lateness is no burst).</summary>
    public TimeSpan Tolerance => Interval / 2 > TimeSpan.FromMilliseconds(25) ? Interval / 2 : TimeSpan.FromMilliseconds(25);

    public async Task<TimeSpan?> WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _needing) > maxQueued + 1)
        {
            Interlocked.Decrement(ref _needing);
            return Interval * maxQueued;
        }

        try
        {
            while (true)
            {
                var slot = await TakeSlotAsync(cancellationToken);
                while (slot - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }

                // A process stalled past its slot would send on top of the next one (maybe another instance's): take a new slot.
                if (time.GetUtcNow() - slot <= Tolerance)
                {
                    return null;
                }
            }
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
    }

    private async Task<DateTimeOffset> TakeSlotAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _withoutSlot);
        try
        {
            return await ClaimOrTakeAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _withoutSlot);
        }
    }

    private async Task<DateTimeOffset> ClaimOrTakeAsync(CancellationToken cancellationToken)
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
                var count = Math.Clamp(Volatile.Read(ref _withoutSlot), 1, _maxBatch);
                var started = time.GetTimestamp();
                var lead = TimeSpan.FromTicks(Math.Min(2 * Interlocked.Read(ref _claimTicks), TimeSpan.TicksPerSecond));
                var first = await ledger.ClaimAsync(platformId, count, Interval, time.GetUtcNow() + lead, cancellationToken);
                // Moving average of the claim round trip: the next claim's slots start that far ahead.
                var took = time.GetElapsedTime(started).Ticks;
                Interlocked.Exchange(ref _claimTicks, (3 * Interlocked.Read(ref _claimTicks) + took) / 4);
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
            var stale = time.GetUtcNow() - Tolerance;
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
