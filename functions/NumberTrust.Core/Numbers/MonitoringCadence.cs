namespace NumberTrust.Numbers;

/// <summary>How often a number is scanned. <see cref="Auto"/> follows the system's rules (daily while new or under appeal, weekly otherwise).</summary>
public enum MonitoringCadence
{
    Auto,
    Daily,
    Weekly,
    Paused,
}
