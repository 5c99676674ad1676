namespace NumberTrust.Platforms;

/// <summary>Hands out a platform's send slots: <see cref="RequestSpacing"/> in one instance, <see cref="SharedRequestPacing"/> across all.</summary>
public interface IRequestPacer
{
    /// <summary>Time between two slots (1/RequestsPerSecond).</summary>
    TimeSpan Interval { get; }

    /// <summary>Waits for a slot; null once it has come, or how long to wait before asking again when no slot can be had now.</summary>
    Task<TimeSpan?> WaitTurnAsync(CancellationToken cancellationToken);
}

/// <summary>Where every instance claims a platform's next send slots, so the configured rate holds across scaled-out instances.</summary>
public interface IPacingLedger
{
    /// <summary>
    /// Claims <paramref name="count"/> consecutive slots <paramref name="interval"/> apart, none before <paramref name="notBefore"/>,
    /// that no other claim holds; returns the first.
    /// </summary>
    Task<DateTimeOffset> ClaimAsync(string platformId, int count, TimeSpan interval, DateTimeOffset notBefore, CancellationToken cancellationToken);
}

/// <summary>Whether a platform's rate holds per instance or across every instance of the app.</summary>
public enum PacingScope
{
    /// <summary>Slots are claimed from the <see cref="IPacingLedger"/> (Table Storage): the rate holds however many instances run.</summary>
    Shared,

    /// <summary>Each instance spaces its own requests: N instances send up to N times the rate.</summary>
    Instance,
}
