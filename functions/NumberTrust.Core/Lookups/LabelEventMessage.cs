using NumberTrust.Hosting;

namespace NumberTrust.Lookups;

/// <summary>The versioned message put on the <c>alerts</c> queue for each label event.</summary>
public sealed record LabelEventMessage(
    int Version,
    string EventId,
    LabelEventType Type,
    string Number,
    string Platform,
    string? FromCategory,
    string? ToCategory,
    string? Direction,
    int? FromCount,
    int? ToCount,
    string? LabelText,
    DateTimeOffset OccurredAt) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}
