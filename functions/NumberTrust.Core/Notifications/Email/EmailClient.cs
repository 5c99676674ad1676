using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// A small client of the ACS Email REST API (<c>emails:send</c>, <c>emails/operations/{id}</c>) on Azure.Core's pipeline,
/// shaped after Azure.Communication.Email's <c>EmailClient</c> so that moving to the package touches only the code that
/// constructs it. Our addition: a send with an operation id first asks for that operation and does not send again if it exists.
/// </summary>
public sealed partial class EmailClient
{
    /// <summary>The Entra ID scope of ACS (the double slash is part of it).</summary>
    public const string Scope = "https://communication.azure.com//.default";

    private readonly HttpPipeline _pipeline;
    private readonly string _baseUrl;

    /// <summary>Access-key (HMAC-SHA256) authentication from <c>endpoint=…;accesskey=…</c>.</summary>
    public EmailClient(string connectionString)
        : this(connectionString, null)
    {
    }

    public EmailClient(string connectionString, EmailClientOptions? options)
        : this(AcsConnectionString.Parse(connectionString), options ?? new EmailClientOptions())
    {
    }

    public EmailClient(Uri endpoint, AzureKeyCredential credential, EmailClientOptions? options = null)
        : this(endpoint, options ?? new EmailClientOptions(), credential is null
            ? throw new ArgumentNullException(nameof(credential))
            : o => new AcsHmacAuthenticationPolicy(credential, o.TimeProvider))
    {
    }

    /// <summary>Entra ID authentication (managed identity in Azure); Azure.Core sends bearer tokens over https only.</summary>
    public EmailClient(Uri endpoint, TokenCredential credential, EmailClientOptions? options = null)
        : this(endpoint, options ?? new EmailClientOptions(), credential is null
            ? throw new ArgumentNullException(nameof(credential))
            : _ => new BearerTokenAuthenticationPolicy(credential, Scope))
    {
    }

    private EmailClient(AcsConnectionString connectionString, EmailClientOptions options)
        : this(connectionString.Endpoint, new AzureKeyCredential(connectionString.AccessKey), options)
    {
    }

    private EmailClient(Uri endpoint, EmailClientOptions options, Func<EmailClientOptions, HttpPipelinePolicy> authentication)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The ACS endpoint must be an absolute URL.", nameof(endpoint));
        }

        Endpoint = endpoint;
        Options = options;
        _baseUrl = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        // Authentication runs per retry so that each attempt is signed (HMAC date) or carries a current token.
        _pipeline = HttpPipelineBuilder.Build(options, [], [authentication(options)], new ResponseClassifier());
    }

    public Uri Endpoint { get; }

    internal EmailClientOptions Options { get; }

    /// <summary>Sends under a new random operation id.</summary>
    public Task<EmailSendOperation> SendAsync(WaitUntil wait, EmailMessage message, CancellationToken cancellationToken) =>
        SendCoreAsync(wait, message, Guid.NewGuid(), checkFirst: false, cancellationToken);

    /// <summary>
    /// Sends under <paramref name="operationId"/> (see <see cref="EmailOperationIds.For"/>). If ACS already knows that operation,
    /// in any status, nothing is sent and the existing operation is returned; otherwise the POST carries the id as
    /// <c>Operation-Id</c>, so a retried POST maps to the same operation too.
    /// </summary>
    public Task<EmailSendOperation> SendAsync(WaitUntil wait, EmailMessage message, Guid operationId, CancellationToken cancellationToken) =>
        SendCoreAsync(wait, message, operationId, checkFirst: true, cancellationToken);

    private async Task<EmailSendOperation> SendCoreAsync(WaitUntil wait, EmailMessage message, Guid operationId, bool checkFirst, CancellationToken cancellationToken)
    {
        var body = EmailRequestBody.Serialize(message);
        if (body.LongLength > Options.MaxMessageBytes)
        {
            throw new EmailMessageTooLargeException(body.LongLength, Options.MaxMessageBytes);
        }

        var id = operationId.ToString("D");
        EmailSendOperation? operation = null;
        if (checkFirst)
        {
            operation = await FindAsync(id, cancellationToken);
            if (operation is not null)
            {
                Log.AlreadySent(Options.Logger, id, operation.Status.ToString());
            }
        }

        operation ??= await PostAsync(id, body, cancellationToken);
        if (wait == WaitUntil.Completed)
        {
            await operation.WaitForCompletionAsync(cancellationToken);
        }

        return operation;
    }

    private async Task<EmailSendOperation?> FindAsync(string id, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, StatusUrl(id, null));
        var response = await SendAsync(message, "status check", id, cancellationToken);
        return response.Status switch
        {
            404 => null,
            200 => new EmailSendOperation(this, id, ReadOperation(response, id), null),
            _ => throw Failure(response, "status check", id),
        };
    }

    private async Task<EmailSendOperation> PostAsync(string id, byte[] body, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Post, new Uri($"{_baseUrl}/emails:send?api-version={Uri.EscapeDataString(Options.ApiVersion)}"));
        message.Request.Headers.SetValue("Operation-Id", id);
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(body);
        var response = await SendAsync(message, "send", id, cancellationToken);
        if (response.Status is not (200 or 201 or 202))
        {
            throw Failure(response, "send", id);
        }

        var snapshot = ReadOperation(response, id);
        Log.Accepted(Options.Logger, snapshot.Id, snapshot.Status.ToString());
        var location = response.Headers.TryGetValue("Operation-Location", out var value) && Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
        return new EmailSendOperation(this, snapshot.Id, snapshot, location);
    }

    internal async Task<AcsOperationSnapshot> GetStatusAsync(string id, Uri? location, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, StatusUrl(id, location));
        var response = await SendAsync(message, "status poll", id, cancellationToken);
        return response.Status == 200 ? ReadOperation(response, id) : throw Failure(response, "status poll", id);
    }

    internal AcsOperationSnapshot GetStatus(string id, Uri? location, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, StatusUrl(id, location));
        Response response;
        try
        {
            _pipeline.Send(message, cancellationToken);
            response = message.Response;
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            throw Unreachable(e, "status poll", id);
        }

        return response.Status == 200 ? ReadOperation(response, id) : throw Failure(response, "status poll", id);
    }

    private async Task<Response> SendAsync(HttpMessage message, string what, string id, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken);
            return message.Response;
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            throw Unreachable(e, what, id);
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, Uri uri)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.SetValue("Accept", "application/json");
        return message;
    }

    /// <summary>The Operation-Location the service gave, if it is on our endpoint (credentials go nowhere else), else the documented path.</summary>
    private Uri StatusUrl(string id, Uri? location) =>
        location is not null && string.Equals(location.GetLeftPart(UriPartial.Authority), Endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            ? location
            : new Uri($"{_baseUrl}/emails/operations/{Uri.EscapeDataString(id)}?api-version={Uri.EscapeDataString(Options.ApiVersion)}");

    private AcsOperationSnapshot ReadOperation(Response response, string id)
    {
        var retryAfter = AcsRetryAfter.Read(response, Options.TimeProvider.GetUtcNow());
        try
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            var root = json.RootElement;
            var operationId = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : id;
            var status = root.TryGetProperty("status", out var statusElement) && statusElement.ValueKind == JsonValueKind.String
                ? new EmailSendStatus(statusElement.GetString()!)
                : throw new JsonException("no status");
            var (code, text) = ReadError(root);
            return new AcsOperationSnapshot(operationId, status, code, text, retryAfter, response);
        }
        catch (JsonException e)
        {
            throw new EmailRequestFailedException(response.Status, $"ACS Email answered HTTP {response.Status} with an unreadable operation ({e.Message}).", null, id, innerException: e);
        }
    }

    private EmailRequestFailedException Failure(Response response, string what, string id)
    {
        response.Headers.TryGetValue("x-ms-error-code", out var headerCode);
        string? code = null, text = null;
        try
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            (code, text) = ReadError(json.RootElement);
        }
        catch (JsonException)
        {
            // A non-JSON error body (a proxy's page): the status and header code still say enough.
        }

        code = headerCode ?? code;
        var detail = text ?? response.ReasonPhrase;
        var retryAfter = AcsRetryAfter.Read(response, Options.TimeProvider.GetUtcNow());
        return new EmailRequestFailedException(response.Status, $"ACS Email {what} of operation {id} failed: HTTP {response.Status} {code}: {detail}", code, id,
            retryAfter: retryAfter);
    }

    private static (string? Code, string? Message) ReadError(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        return (Text(error, "code"), Text(error, "message"));

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) =>
        e is RequestFailedException { Status: 0 } or HttpRequestException or IOException ||
        (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static EmailRequestFailedException Unreachable(Exception e, string what, string id) =>
        new(0, $"ACS Email {what} of operation {id} failed: the service could not be reached ({e.Message}).", null, id, innerException: e);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Email operation {OperationId} already exists ({Status}); not sending it again")]
        public static partial void AlreadySent(ILogger logger, string operationId, string status);

        [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Email operation {OperationId} accepted ({Status})")]
        public static partial void Accepted(ILogger logger, string operationId, string status);
    }
}

/// <summary>One answer about an operation: its status, the error of a failed one, and when to ask again.</summary>
internal sealed record AcsOperationSnapshot(string Id, EmailSendStatus Status, string? ErrorCode, string? ErrorMessage, TimeSpan? RetryAfter, Response Response);
