namespace NumberTrust.Notifications.Email;

/// <summary>An email address with an optional display name (shape of Azure.Communication.Email's <c>EmailAddress</c>).</summary>
public readonly struct EmailAddress : IEquatable<EmailAddress>
{
    public EmailAddress(string address)
        : this(address, null)
    {
    }

    public EmailAddress(string address, string? displayName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        Address = address;
        DisplayName = displayName;
    }

    public string Address { get; }

    public string? DisplayName { get; }

    public bool Equals(EmailAddress other) =>
        string.Equals(Address, other.Address, StringComparison.OrdinalIgnoreCase) && string.Equals(DisplayName, other.DisplayName, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is EmailAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Address?.ToUpperInvariant(), DisplayName);

    public static bool operator ==(EmailAddress left, EmailAddress right) => left.Equals(right);

    public static bool operator !=(EmailAddress left, EmailAddress right) => !left.Equals(right);

    public override string ToString() => string.IsNullOrEmpty(DisplayName) ? Address : $"{DisplayName} <{Address}>";
}
