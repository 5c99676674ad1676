using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Simulator.Acs;

/// <summary>
/// A loopback stand-in for the ACS Email REST API (<c>POST /emails:send</c>, <c>GET /emails/operations/{id}</c>) that checks
/// HMAC signatures byte for byte (or a configured bearer token), answers 202 and polls, fails on script (429 with retry-after,
/// 5xx, operations ending Failed, operations staying Running), and keeps a mailbox of every accepted message once per
/// Operation-Id, readable in process (<see cref="Mailbox"/>) and at <c>GET /_acs/mailbox</c> (<c>DELETE</c> clears it).
/// </summary>
public sealed partial class AcsEmailSimulator : IAsyncDisposable
{
    private const long MaxMessageBytes = 10 * 1024 * 1024;
    private static readonly string[] ApiVersions = ["2023-03-31", "2025-09-01"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly AcsEmailSimulatorOptions _options;
    private readonly byte[] _key;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SimulatedOperation> _operations = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AcsMail> _mailbox = [];
    private readonly List<AcsRequest> _requests = [];
    private readonly Queue<SendFault> _sendFaults = new();
    private readonly Queue<OperationScript> _operationScripts = new();

    private AcsEmailSimulator(WebApplication app, AcsEmailSimulatorOptions options, Uri endpoint)
    {
        _app = app;
        _options = options;
        _key = Convert.FromBase64String(options.AccessKey);
        Endpoint = endpoint;
    }

    /// <summary>Scheme, host and port, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary><c>endpoint=http://127.0.0.1:&lt;port&gt;;accesskey=&lt;base64&gt;</c>, for <c>Email:ConnectionString</c>.</summary>
    public string ConnectionString => $"endpoint={Endpoint.GetLeftPart(UriPartial.Authority)};accesskey={_options.AccessKey}";

    public string AccessKey => _options.AccessKey;

    /// <summary>Accepted messages in arrival order, once per Operation-Id.</summary>
    public IReadOnlyList<AcsMail> Mailbox
    {
        get
        {
            lock (_lock)
            {
                return [.. _mailbox];
            }
        }
    }

    /// <summary>Every API request answered, with the status given, in arrival order.</summary>
    public IReadOnlyList<AcsRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<AcsEmailSimulator> StartAsync(AcsEmailSimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        AcsEmailSimulator? simulator = null;
        var (app, baseUrl) = await LoopbackServer.StartAsync(
            options.Port, options.Certificate, 2 * MaxMessageBytes, context => simulator!.HandleAsync(context), cancellationToken);
        simulator = new AcsEmailSimulator(app, options, baseUrl);
        return simulator;
    }

    /// <summary>The next <paramref name="count"/> sends answer 429 with this retry-after (whole seconds, rounded up).</summary>
    public void ThrottleSends(int count, TimeSpan retryAfter) => EnqueueSendFaults(count, new SendFault(429, retryAfter));

    /// <summary>The next <paramref name="count"/> sends answer this server error.</summary>
    public void FailSends(int count, int status = 500) => EnqueueSendFaults(count, new SendFault(status, null));

    /// <summary>The next <paramref name="count"/> accepted operations end Failed (their mail is not delivered to the mailbox).</summary>
    public void FailOperations(int count, string errorCode = "EmailDroppedAllRecipientsSuppressed", string message = "Every recipient is on the suppression list.") =>
        EnqueueOperationScripts(count, new OperationScript(_options.RunningPolls, errorCode, message));

    /// <summary>The next <paramref name="count"/> accepted operations answer Running for <paramref name="runningPolls"/> polls, then Succeeded.</summary>
    public void HoldOperations(int count, int runningPolls) => EnqueueOperationScripts(count, new OperationScript(runningPolls, null, null));

    public void ClearMailbox()
    {
        lock (_lock)
        {
            _mailbox.Clear();
        }
    }

    /// <summary>Forgets operations, mail, requests and scripts.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _operations.Clear();
            _mailbox.Clear();
            _requests.Clear();
            _sendFaults.Clear();
            _operationScripts.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void EnqueueSendFaults(int count, SendFault fault)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _sendFaults.Enqueue(fault);
            }
        }
    }

    private void EnqueueOperationScripts(int count, OperationScript script)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _operationScripts.Enqueue(script);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (path.StartsWith("/_acs/", StringComparison.Ordinal))
        {
            await ControlAsync(context, path);
            return;
        }

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var body = await ReadBodyAsync(request, aborted.Token);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? path + request.QueryString;
        var operationId = request.Headers["Operation-Id"].ToString() is { Length: > 0 } header ? header : null;
        var authScheme = request.Headers.Authorization.ToString().Split(' ', 2)[0];
        var answer = Answer(request, path, rawTarget, body, operationId);

        lock (_lock)
        {
            _requests.Add(new AcsRequest(request.Method, path, operationId, authScheme, answer.Status, _options.TimeProvider.GetUtcNow()));
        }

        if (answer.Mail is { } mail)
        {
            if (_options.Logger is { } logger)
            {
                Log.MailAccepted(logger, mail.OperationId, mail.From, string.Join(", ", mail.To.Select(a => a.Address)), mail.Subject);
            }

            _options.OnMail?.Invoke(mail);
        }

        await WriteAsync(context, answer, aborted.Token);
    }

    private SimulatedAnswer Answer(HttpRequest request, string path, string rawTarget, byte[] body, string? operationId)
    {
        var denied = Authenticate(request, rawTarget, body);
        if (denied is not null)
        {
            return Error(401, "Denied", denied);
        }

        var apiVersion = request.Query["api-version"].ToString();
        if (apiVersion.Length == 0)
        {
            return Error(400, "MissingApiVersionParameter", "The api-version query parameter is required.");
        }

        if (!ApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            return Error(400, "UnsupportedApiVersion", $"api-version '{apiVersion}' is not supported; use one of {string.Join(", ", ApiVersions)}.");
        }

        if (HttpMethods.IsPost(request.Method) && path == "/emails:send")
        {
            return Send(request, body, operationId);
        }

        if (HttpMethods.IsGet(request.Method) && path.StartsWith("/emails/operations/", StringComparison.Ordinal))
        {
            return Status(request, Uri.UnescapeDataString(path["/emails/operations/".Length..]));
        }

        return Error(404, "NotFound", $"No API at {request.Method} {path}.");
    }

    private string? Authenticate(HttpRequest request, string rawTarget, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (_options.BearerToken is { } token && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..]), Encoding.UTF8.GetBytes(token))
                ? null
                : "The bearer token is not valid for this resource.";
        }

        return AcsHmacVerifier.Verify(request, rawTarget, body, _key, _options.TimeProvider.GetUtcNow(), _options.MaxClockSkew);
    }

    private SimulatedAnswer Send(HttpRequest request, byte[] body, string? operationIdHeader)
    {
        lock (_lock)
        {
            if (_sendFaults.TryDequeue(out var fault))
            {
                var headers = new Dictionary<string, string>();
                if (fault.RetryAfter is { } retryAfter)
                {
                    headers["retry-after"] = Seconds(retryAfter);
                }

                return fault.Status == 429
                    ? Error(429, "TooManyRequests", "The send rate of this resource is exceeded; retry after the given delay.", headers)
                    : Error(fault.Status, "InternalServerError", "The service had a scripted failure.", headers);
            }
        }

        if (body.LongLength > MaxMessageBytes)
        {
            return Error(413, "RequestEntityTooLarge", $"The message is {body.LongLength} bytes; the limit is {MaxMessageBytes}.");
        }

        string operationId;
        if (operationIdHeader is null)
        {
            operationId = Guid.NewGuid().ToString("D");
        }
        else if (Guid.TryParse(operationIdHeader, out var parsed))
        {
            operationId = parsed.ToString("D");
        }
        else
        {
            return Error(400, "InvalidRequest", "Operation-Id must be a UUID.");
        }

        if (ParseMail(body, operationId) is not { } parsedMail)
        {
            return Error(400, "InvalidRequest", "The body is not a valid email message (senderAddress, content.subject, a body, at least one recipient).");
        }

        if (parsedMail.Problem is { } problem)
        {
            return Error(400, "InvalidRequest", problem);
        }

        AcsMail? accepted = null;
        SimulatedOperation operation;
        string status;
        lock (_lock)
        {
            // A POST with a known Operation-Id is a retry of the same send: same operation, nothing stored again.
            var isNew = !_operations.TryGetValue(operationId, out operation!);
            if (isNew)
            {
                var script = _operationScripts.TryDequeue(out var next) ? next : new OperationScript(_options.RunningPolls, null, null);
                operation = new SimulatedOperation(operationId, script);
                _operations[operationId] = operation;
                if (script.FailCode is null)
                {
                    accepted = parsedMail.Mail;
                    _mailbox.Add(accepted!);
                }
            }

            // A new operation is Running when accepted, as with the real service; a repeat learns where it stands.
            status = isNew ? "Running" : operation.Current;
        }

        var location = $"{request.Scheme}://{request.Host}/emails/operations/{operationId}?api-version={request.Query["api-version"]}";
        var accept = new Dictionary<string, string> { ["Operation-Location"] = location, ["retry-after"] = Seconds(_options.PollRetryAfter) };
        return new SimulatedAnswer(202, OperationJson(operationId, status, null), accept, accepted);
    }

    private SimulatedAnswer Status(HttpRequest request, string operationId)
    {
        string status;
        OperationScript script;
        lock (_lock)
        {
            if (!_operations.TryGetValue(operationId, out var operation))
            {
                return Error(404, "NotFound", $"Operation {operationId} was not found.");
            }

            script = operation.Script;
            status = operation.Poll();
        }

        var error = status == "Failed" ? new { code = script.FailCode, message = script.FailMessage } : null;
        var headers = status == "Running" ? new Dictionary<string, string> { ["retry-after"] = Seconds(_options.PollRetryAfter) } : NoHeaders;
        return new SimulatedAnswer(200, OperationJson(operationId, status, error), headers, null);
    }

    private ParsedMail? ParseMail(byte[] body, string operationId)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var from = Text(root, "senderAddress");
            if (root.ValueKind != JsonValueKind.Object || from is null || !root.TryGetProperty("content", out var content) ||
                !root.TryGetProperty("recipients", out var recipients) || recipients.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var subject = Text(content, "subject");
            var plainText = Text(content, "plainText");
            var html = Text(content, "html");
            var to = Addresses(recipients, "to");
            var cc = Addresses(recipients, "cc");
            var bcc = Addresses(recipients, "bcc");
            if (!recipients.TryGetProperty("to", out _))
            {
                return new ParsedMail(null, "recipients.to is required.");
            }

            if (string.IsNullOrWhiteSpace(subject) || (string.IsNullOrWhiteSpace(plainText) && string.IsNullOrWhiteSpace(html)))
            {
                return new ParsedMail(null, "content needs a subject and a plainText or html body.");
            }

            if (to.Count + cc.Count + bcc.Count == 0)
            {
                return new ParsedMail(null, "At least one recipient is required.");
            }

            var attachments = new List<AcsMailAttachment>();
            if (root.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var attachment in list.EnumerateArray())
                {
                    if (Text(attachment, "name") is not { } name || Text(attachment, "contentType") is not { } type ||
                        !attachment.TryGetProperty("contentInBase64", out var data) || !data.TryGetBytesFromBase64(out var bytes))
                    {
                        return new ParsedMail(null, "Every attachment needs name, contentType and contentInBase64.");
                    }

                    attachments.Add(new AcsMailAttachment(name, type, bytes.Length));
                }
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("headers", out var headerObject) && headerObject.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headerObject.EnumerateObject())
                {
                    headers[header.Name] = header.Value.ToString();
                }
            }

            var mail = new AcsMail(operationId, from, to, cc, bcc, Addresses(root, "replyTo"), subject, plainText, html, attachments, headers,
                _options.TimeProvider.GetUtcNow());
            return new ParsedMail(mail, null);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // A property of the wrong JSON type.
            return null;
        }
    }

    private static List<AcsMailAddress> Addresses(JsonElement parent, string name)
    {
        var addresses = new List<AcsMailAddress>();
        if (parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                if (Text(entry, "address") is { Length: > 0 } address)
                {
                    addresses.Add(new AcsMailAddress(address, Text(entry, "displayName")));
                }
            }
        }

        return addresses;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task ControlAsync(HttpContext context, string path)
    {
        var response = context.Response;
        if (path == "/_acs/mailbox" && HttpMethods.IsGet(context.Request.Method))
        {
            await response.WriteAsJsonAsync(Mailbox, Json, context.RequestAborted);
        }
        else if (path == "/_acs/mailbox" && HttpMethods.IsDelete(context.Request.Method))
        {
            ClearMailbox();
            response.StatusCode = 204;
        }
        else if (path == "/_acs/requests" && HttpMethods.IsGet(context.Request.Method))
        {
            await response.WriteAsJsonAsync(Requests, Json, context.RequestAborted);
        }
        else
        {
            response.StatusCode = 404;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpContext context, SimulatedAnswer answer, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }

    private static SimulatedAnswer Error(int status, string code, string message, Dictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? NoHeaders) { ["x-ms-error-code"] = code };
        return new SimulatedAnswer(status, JsonSerializer.Serialize(new { error = new { code, message } }, Json), all, null);
    }

    private static string OperationJson(string id, string status, object? error) =>
        JsonSerializer.Serialize(error is null ? new { id, status } : (object)new { id, status, error }, Json);

    private static string Seconds(TimeSpan delay) => ((long)Math.Ceiling(Math.Max(0, delay.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private static readonly Dictionary<string, string> NoHeaders = [];

    private sealed record SendFault(int Status, TimeSpan? RetryAfter);

    private sealed record OperationScript(int RunningPolls, string? FailCode, string? FailMessage);

    private sealed record ParsedMail(AcsMail? Mail, string? Problem);

    private sealed record SimulatedAnswer(int Status, string Body, IReadOnlyDictionary<string, string> Headers, AcsMail? Mail);

    /// <summary>State of one send operation; guarded by the simulator's lock.</summary>
    private sealed class SimulatedOperation(string id, OperationScript script)
    {
        private int _runningPollsLeft = script.RunningPolls;

        public string Id { get; } = id;

        public OperationScript Script { get; } = script;

        /// <summary>The status now, without counting a poll (what a repeated POST of the same id is told).</summary>
        public string Current => _runningPollsLeft > 0 ? "Running" : Final;

        private string Final => Script.FailCode is null ? "Succeeded" : "Failed";

        /// <summary>Answers one status request: Running while polls are left, then the final status.</summary>
        public string Poll()
        {
            if (_runningPollsLeft > 0)
            {
                _runningPollsLeft--;
                return "Running";
            }

            return Final;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Fake ACS mail {OperationId} from {From} to {To}: {Subject}")]
        public static partial void MailAccepted(ILogger logger, string operationId, string from, string to, string subject);
    }
}
