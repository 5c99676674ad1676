using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace NumberTrust.Tests.Notifications;

/// <summary>
/// A FakeTimeProvider that reports every timer created on it, so a test can see the delay code asked for (a Retry-After)
/// before advancing time past it, instead of sleeping or racing the clock.
/// </summary>
internal sealed class RecordingClock : TimeProvider
{
    private readonly FakeTimeProvider _inner = new(DateTimeOffset.UtcNow);
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _inner.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    public void Advance(TimeSpan delta) => _inner.Advance(delta);

    /// <summary>The due time of the next timer created (waits for it; fails after 30 s of real time).</summary>
    public async Task<TimeSpan> NextTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}
