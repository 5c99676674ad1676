using Azure;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// ACS Email refused a request, could not be reached, or a send operation ended Failed or Canceled. Derives from
/// <see cref="RequestFailedException"/> (what the package throws) so callers catch the same type after a swap.
/// </summary>
public sealed class EmailRequestFailedException : RequestFailedException
{
    public EmailRequestFailedException(int status, string message, string? errorCode, string? operationId, EmailSendStatus? operationStatus = null,
        TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
        OperationId = operationId;
        OperationStatus = operationStatus;
        RetryAfter = retryAfter;
    }

    /// <summary>The send operation concerned, when known.</summary>
    public string? OperationId { get; }

    /// <summary>Failed or Canceled when the operation itself ended unsuccessfully; null when an HTTP request failed.</summary>
    public EmailSendStatus? OperationStatus { get; }

    /// <summary>The service's Retry-After on a throttled or unavailable answer that was not retried in place.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Worth trying again later with the same operation id: throttling, server errors, timeouts or no connection.</summary>
    public bool IsTransient => OperationStatus is null && Status is 0 or 408 or 429 or >= 500;
}
