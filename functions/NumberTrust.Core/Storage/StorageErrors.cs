using Azure;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Storage;

/// <summary>Readable names for the storage status codes the app handles.</summary>
internal static class StorageErrors
{
    public static bool IsNotFound(this RequestFailedException e) => e.Status == StatusCodes.Status404NotFound;

    public static bool IsPreconditionFailed(this RequestFailedException e) => e.Status == StatusCodes.Status412PreconditionFailed;

    public static bool IsConflict(this RequestFailedException e) => e.Status == StatusCodes.Status409Conflict;

    /// <summary>A short random pause before another optimistic round, so writers racing for one row spread out instead of colliding again.</summary>
    public static Task ContentionDelayAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * Math.Min(attempt + 1, 8)), cancellationToken);
}
