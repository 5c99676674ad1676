namespace NumberTrust.Notifications.Digests;

/// <summary>A section of a digest: how many there were, and the first <see cref="DigestCollector.MaxItems"/> of them.</summary>
public sealed record DigestSection<T>(int Total, IReadOnlyList<T> Items)
{
    public static DigestSection<T> Of(IReadOnlyCollection<T> all, Func<IEnumerable<T>, IEnumerable<T>> order) =>
        new(all.Count, order(all).Take(DigestCollector.MaxItems).ToList());
}

public sealed record DigestPlatformCount(string Platform, int Count);

/// <summary>Labeled numbers: per platform the count, and the first labels.</summary>
public sealed record DigestLabeled(int Total, IReadOnlyList<DigestPlatformCount> ByPlatform, IReadOnlyList<DigestLabel> Items);

public sealed record DigestLabel(string Number, string? DisplayName, string Platform, string? Category, string? LabelText);

public sealed record DigestChange(
    string Number, string? DisplayName, string Platform, string FromState, string ToState, string? FromCategory, string? ToCategory, string? LabelText,
    DateTimeOffset At);

public sealed record DigestTrustDrop(string Number, string? DisplayName, int From, int To);

public sealed record DigestFailedScan(string ScanId, string Number, string Platform, string Status, string? Detail, DateTimeOffset StartedAt);

public sealed record DigestFollowUp(string AppealId, string Number, string Platform, string Status, string FollowUpOf, DateTimeOffset CreatedAt);

/// <summary>
/// The data of a <c>digest.daily</c> or <c>digest.all_clear</c> event (its webhook <c>data</c>, the mail's source): the tenant's
/// local date and zone, the window looked at (<see cref="Since"/> to <see cref="Until"/>, the last 24 hours) and the sections.
/// </summary>
public sealed record DigestData(
    string LocalDate, string TimeZone, DateTimeOffset Since, DateTimeOffset Until, int Numbers, DigestLabeled Labeled,
    DigestSection<DigestChange> Changes, DigestSection<DigestTrustDrop> TrustDrops, DigestSection<DigestFailedScan> FailedScans,
    DigestSection<DigestFollowUp> OpenFollowUps)
{
    /// <summary>Nothing worth a mail: standing labels alone are worth one, as are changes, drops, failures and follow-ups.</summary>
    public bool IsEmpty => Labeled.Total == 0 && Changes.Total == 0 && TrustDrops.Total == 0 && FailedScans.Total == 0 && OpenFollowUps.Total == 0;
}
