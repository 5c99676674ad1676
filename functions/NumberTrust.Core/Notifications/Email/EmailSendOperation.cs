using Azure;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// A send operation of ACS Email (shape of the package's <c>EmailSendOperation</c>): poll it with <see cref="UpdateStatusAsync"/>
/// or <see cref="WaitForCompletionAsync(CancellationToken)"/>, which waits as long as the service's Retry-After says. An
/// operation that ends Failed or Canceled throws <see cref="EmailRequestFailedException"/> from those and from <see cref="Value"/>.
/// </summary>
public sealed partial class EmailSendOperation : Operation<EmailSendResult>
{
    private readonly EmailClient _client;
    private readonly Uri? _location;
    private Response? _rawResponse;
    private TimeSpan? _retryAfter;
    private EmailRequestFailedException? _failure;

    /// <summary>An operation known only by its id (for example from an earlier run); its status is read on the first update.</summary>
    public EmailSendOperation(string id, EmailClient client)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(client);
        Id = id;
        _client = client;
    }

    internal EmailSendOperation(EmailClient client, string id, AcsOperationSnapshot snapshot, Uri? location)
        : this(id, client)
    {
        _location = location;
        Apply(snapshot);
    }

    public override string Id { get; }

    public override bool HasCompleted => Status.IsFinal;

    public override bool HasValue => Status == EmailSendStatus.Succeeded;

    public override EmailSendResult Value
    {
        get
        {
            if (HasValue)
            {
                return new EmailSendResult(Id, Status);
            }

            ThrowIfFailed();
            throw new InvalidOperationException($"Email operation {Id} has not completed (status {Status}).");
        }
    }

    /// <summary>The last status read from the service (default until the first answer).</summary>
    internal EmailSendStatus Status { get; private set; }

    public override Response GetRawResponse() =>
        _rawResponse ?? throw new InvalidOperationException($"Email operation {Id} has no response yet; call UpdateStatusAsync first.");

    public override async ValueTask<Response> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        if (!HasCompleted)
        {
            Apply(await _client.GetStatusAsync(Id, _location, cancellationToken));
        }

        ThrowIfFailed();
        return _rawResponse!;
    }

    public override Response UpdateStatus(CancellationToken cancellationToken = default)
    {
        if (!HasCompleted)
        {
            Apply(_client.GetStatus(Id, _location, cancellationToken));
        }

        ThrowIfFailed();
        return _rawResponse!;
    }

    /// <summary>Polls until a final status, waiting the service's Retry-After (else <see cref="EmailClientOptions.PollingInterval"/>) between polls.</summary>
    public override ValueTask<Response<EmailSendResult>> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        WaitAsync(null, cancellationToken);

    /// <summary>As <see cref="WaitForCompletionAsync(CancellationToken)"/>, never polling sooner than <paramref name="suggestedPollingInterval"/>.</summary>
    public override ValueTask<Response<EmailSendResult>> WaitForCompletionAsync(TimeSpan suggestedPollingInterval, CancellationToken cancellationToken) =>
        WaitAsync(suggestedPollingInterval, cancellationToken);

    public override Response<EmailSendResult> WaitForCompletion(CancellationToken cancellationToken = default) => Wait(null, cancellationToken);

    public override Response<EmailSendResult> WaitForCompletion(TimeSpan suggestedPollingInterval, CancellationToken cancellationToken) =>
        Wait(suggestedPollingInterval, cancellationToken);

    private async ValueTask<Response<EmailSendResult>> WaitAsync(TimeSpan? suggested, CancellationToken cancellationToken)
    {
        while (!HasCompleted)
        {
            await Task.Delay(NextPollDelay(suggested), _client.Options.TimeProvider, cancellationToken);
            Apply(await _client.GetStatusAsync(Id, _location, cancellationToken));
        }

        ThrowIfFailed();
        return Response.FromValue(Value, _rawResponse!);
    }

    private Response<EmailSendResult> Wait(TimeSpan? suggested, CancellationToken cancellationToken)
    {
        while (!HasCompleted)
        {
            var delay = NextPollDelay(suggested);
            if (delay > TimeSpan.Zero)
            {
                // Not disposed: a timer callback may still run after the wait ends, and an undisposed event has no handle to leak.
                var elapsed = new ManualResetEventSlim();
                using var timer = _client.Options.TimeProvider.CreateTimer(static s => ((ManualResetEventSlim)s!).Set(), elapsed, delay, Timeout.InfiniteTimeSpan);
                elapsed.Wait(cancellationToken);
            }

            Apply(_client.GetStatus(Id, _location, cancellationToken));
        }

        ThrowIfFailed();
        return Response.FromValue(Value, _rawResponse!);
    }

    /// <summary>Poll at once when nothing is known yet; otherwise as the last answer asked.</summary>
    private TimeSpan NextPollDelay(TimeSpan? suggested)
    {
        if (_rawResponse is null)
        {
            return TimeSpan.Zero;
        }

        return suggested is { } floor
            ? (_retryAfter is { } asked && asked > floor ? asked : floor)
            : _retryAfter ?? _client.Options.PollingInterval;
    }

    private void Apply(AcsOperationSnapshot snapshot)
    {
        _rawResponse = snapshot.Response;
        _retryAfter = snapshot.RetryAfter;
        Status = snapshot.Status;
        if (Status == EmailSendStatus.Failed || Status == EmailSendStatus.Canceled)
        {
            Log.Ended(_client.Options.Logger, Id, Status.ToString(), snapshot.ErrorCode ?? "", snapshot.ErrorMessage ?? "");
            _failure = new EmailRequestFailedException(snapshot.Response.Status,
                $"Email operation {Id} ended {Status}: {snapshot.ErrorCode ?? "no error code"}: {snapshot.ErrorMessage ?? "no message"}",
                snapshot.ErrorCode, Id, Status);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw _failure;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Email operation {OperationId} ended {Status}: {ErrorCode} {ErrorMessage}")]
        public static partial void Ended(ILogger logger, string operationId, string status, string errorCode, string errorMessage);
    }
}
