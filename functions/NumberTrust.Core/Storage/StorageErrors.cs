using Azure;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Storage;

/// <summary>Readable names for the storage status codes the app handles.</summary>
internal static class StorageErrors
{
    public static bool IsNotFound(this RequestFailedException e) => e.Status == StatusCodes.Status404NotFound;

    public static bool IsPreconditionFailed(this RequestFailedException e) => e.Status == StatusCodes.Status412PreconditionFailed;

    public static bool IsConflict(this RequestFailedException e) => e.Status == StatusCodes.Status409Conflict;
}
