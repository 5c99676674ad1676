namespace NumberTrust.Tests.Infrastructure;

/// <summary>
/// A clock for tests that drive the host across days: real time moved by an <see cref="Offset"/> the test sets. Timers stay real,
/// so the host's queue listeners keep polling; a FakeTimeProvider's timers would only fire when the test advanced it, and every
/// listener of the host would stall.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
