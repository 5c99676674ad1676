namespace NumberTrust.Lookups;

/// <summary>
/// What one lookup job saw for a number on a platform, once it is stored. <see cref="Observation"/> is null when the job was
/// redelivered after it had been applied (then <see cref="Seen"/> and the label come from the stored state). <see cref="MayHaveAppeal"/>
/// is false for an unchanged result of a job planned while no appeal was open (the planner plans those with an expectation only then).
/// </summary>
public sealed record LookupCompleted(
    string JobId,
    string Number,
    string Platform,
    DateTimeOffset CheckedAt,
    ObservedState Seen,
    string? Category,
    string? LabelText,
    Observation? Observation,
    bool MayHaveAppeal = true);

/// <summary>
/// A feature that follows lookups (appeal verification, upkeep). Called after every stored lookup, and again when a job is
/// redelivered, so an observer must be idempotent per <see cref="LookupCompleted.JobId"/>; an exception fails the job, which retries.
/// </summary>
public interface ILookupObserver
{
    Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken);
}
