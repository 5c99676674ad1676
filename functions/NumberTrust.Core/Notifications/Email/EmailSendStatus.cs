namespace NumberTrust.Notifications.Email;

/// <summary>Status of an ACS send operation, an extensible string enum as in the package (unknown values survive a round trip).</summary>
public readonly struct EmailSendStatus(string value) : IEquatable<EmailSendStatus>
{
    private readonly string? _value = value;

    public static EmailSendStatus NotStarted { get; } = new(Values.NotStarted);

    public static EmailSendStatus Running { get; } = new(Values.Running);

    public static EmailSendStatus Succeeded { get; } = new(Values.Succeeded);

    public static EmailSendStatus Failed { get; } = new(Values.Failed);

    public static EmailSendStatus Canceled { get; } = new(Values.Canceled);

    /// <summary>Succeeded, Failed or Canceled: polling ends.</summary>
    internal bool IsFinal => this == Succeeded || this == Failed || this == Canceled;

    public bool Equals(EmailSendStatus other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is EmailSendStatus other && Equals(other);

    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    public static bool operator ==(EmailSendStatus left, EmailSendStatus right) => left.Equals(right);

    public static bool operator !=(EmailSendStatus left, EmailSendStatus right) => !left.Equals(right);

    public static implicit operator EmailSendStatus(string value) => new(value);

    public override string ToString() => _value ?? "";

    public static class Values
    {
        public const string NotStarted = "NotStarted";
        public const string Running = "Running";
        public const string Succeeded = "Succeeded";
        public const string Failed = "Failed";
        public const string Canceled = "Canceled";
    }
}
