namespace NumberTrust.Platforms;

/// <summary>
/// Hands out evenly spaced send times, 1/<see cref="PlatformOptions.RequestsPerSecond"/> apart, instead of a token bucket's
/// bursts: platforms that answer bursts with captchas (Baidu, 360) see a steady pace. A slot whose waiter is cancelled is not reused.
/// </summary>
public sealed class RequestSpacing(double requestsPerSecond, int maxQueued, TimeProvider time) : IRequestPacer
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private int _waiting;

    public TimeSpan Interval => _interval;

    /// <summary>How late a slot may still be used (as for shared pacing): half an interval, at least 25 ms.</summary>
    public TimeSpan Tolerance => _interval / 2 > TimeSpan.FromMilliseconds(25) ? _interval / 2 : TimeSpan.FromMilliseconds(25);

    /// <summary>Waits for the next free slot; returns null once it is due, or the wait to suggest when more than maxQueued lookups already wait.</summary>
    public async Task<TimeSpan?> WaitTurnAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            DateTimeOffset slot;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                slot = _next > now ? _next : now;
                if (slot > now && _waiting >= maxQueued)
                {
                    return slot - now;
                }

                _next = slot + _interval;
                if (slot > now)
                {
                    _waiting++;
                }
            }

            if (slot <= time.GetUtcNow())
            {
                return null;
            }

            try
            {
                // A delay may end a little early: wait again until the slot has really come.
                while (slot - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
            }
            finally
            {
                lock (_gate)
                {
                    _waiting--;
                }
            }

            // A process stalled past its slot would send together with the other late waiters: it takes a new slot instead.
            if (time.GetUtcNow() - slot <= Tolerance)
            {
                return null;
            }
        }
    }
}
