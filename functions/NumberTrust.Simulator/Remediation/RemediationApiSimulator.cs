using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Simulator.Remediation;

/// <summary>How a scripted request fails: an HTTP status, an unreadable body, or no answer for a while (a timeout for the caller).</summary>
public enum RemediationFault
{
    ServerError,
    BadJson,
    Hang,
}

/// <summary>
/// A loopback stand-in for a vendor's asynchronous remediation API (the Telnyx pattern): <c>POST /remediations</c> answers 202 with an
/// operation id and <c>Operation-Location</c> (the same <c>Idempotency-Key</c> maps to the same operation), <c>GET
/// /remediations/{id}</c> answers <c>pending</c> for a few polls and then <c>accepted</c> with a ticket number or <c>refused</c> with a
/// reason. Failures are scriptable per request (5xx, bad JSON, hanging); every request and submitted body is kept for assertions.
/// </summary>
public sealed class RemediationApiSimulator : IAsyncDisposable
{
    public const string SubmitPath = "/remediations";

    private readonly WebApplication _app;
    private readonly RemediationApiSimulatorOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly List<RemediationRequest> _requests = [];
    private readonly List<JsonObject> _submissions = [];
    private readonly Queue<(RemediationFault Fault, int Status)> _submitFaults = new();
    private readonly Queue<(RemediationFault Fault, int Status)> _pollFaults = new();
    private readonly Queue<Decision> _decisions = new();

    private RemediationApiSimulator(WebApplication app, RemediationApiSimulatorOptions options, Uri endpoint)
    {
        _app = app;
        _options = options;
        Endpoint = endpoint;
    }

    /// <summary>Scheme, host and port, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The URL to configure as a route's ApiUrl.</summary>
    public Uri SubmitUrl => new(Endpoint, SubmitPath);

    public string? ApiKeyHeader => _options.ApiKeyHeader;

    public string ApiKey => _options.ApiKey;

    /// <summary>Every request answered (method, path, status), in arrival order.</summary>
    public IReadOnlyList<RemediationRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The bodies of accepted submissions, once per operation.</summary>
    public IReadOnlyList<JsonObject> Submissions
    {
        get
        {
            lock (_lock)
            {
                return [.. _submissions];
            }
        }
    }

    public static async Task<RemediationApiSimulator> StartAsync(RemediationApiSimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        RemediationApiSimulator? simulator = null;
        var (app, baseUrl) = await LoopbackServer.StartAsync(options.Port, null, 1024 * 1024, context => simulator!.HandleAsync(context), cancellationToken);
        simulator = new RemediationApiSimulator(app, options, baseUrl);
        return simulator;
    }

    /// <summary>The next <paramref name="count"/> submissions fail this way (status for <see cref="RemediationFault.ServerError"/>).</summary>
    public void FailSubmits(int count, RemediationFault fault = RemediationFault.ServerError, int status = 503) => Enqueue(_submitFaults, count, (fault, status));

    /// <summary>The next <paramref name="count"/> polls fail this way.</summary>
    public void FailPolls(int count, RemediationFault fault = RemediationFault.ServerError, int status = 503) => Enqueue(_pollFaults, count, (fault, status));

    /// <summary>The next new operation answers pending for <paramref name="pendingPolls"/> polls, then accepted with this ticket number.</summary>
    public void AcceptNext(string ticketNumber, int? pendingPolls = null) => Enqueue(_decisions, 1, new Decision("accepted", ticketNumber, null, pendingPolls));

    /// <summary>The next new operation answers pending, then refused with this reason.</summary>
    public void RefuseNext(string reason, int? pendingPolls = null) => Enqueue(_decisions, 1, new Decision("refused", null, reason, pendingPolls));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void Enqueue<T>(Queue<T> queue, int count, T item)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(item);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, aborted.Token);
        var submit = HttpMethods.IsPost(request.Method) && path == SubmitPath;
        var poll = HttpMethods.IsGet(request.Method) && path.StartsWith(SubmitPath + "/", StringComparison.Ordinal);
        var answer = !Authorised(request) ? Answer.Error(401, "The API key is missing or wrong.")
            : submit ? Submit(request, buffer.ToArray())
            : poll ? Poll(request, Uri.UnescapeDataString(path[(SubmitPath.Length + 1)..]))
            : Answer.Error(404, $"No API at {request.Method} {path}.");
        lock (_lock)
        {
            _requests.Add(new RemediationRequest(request.Method, path, request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null,
                answer.Hang ? 0 : answer.Status, _options.TimeProvider.GetUtcNow()));
        }

        if (answer.Hang)
        {
            // Never answers in time: the caller's timeout fires; the wait ends when the caller gives up or the simulator stops.
            await Task.Delay(Timeout.InfiniteTimeSpan, aborted.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        var response = context.Response;
        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, aborted.Token);
    }

    private bool Authorised(HttpRequest request) =>
        _options.ApiKeyHeader is not { } header ||
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers[header].ToString()), Encoding.UTF8.GetBytes(_options.ApiKey));

    private Answer Submit(HttpRequest request, byte[] body)
    {
        lock (_lock)
        {
            if (Faulted(_submitFaults) is { } fault)
            {
                return fault;
            }
        }

        JsonObject submission;
        try
        {
            submission = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            return Answer.Error(400, "The body is not a JSON object: " + e.Message);
        }

        if (submission["number"]?.GetValue<string>() is not { Length: > 0 } || submission["text"]?.GetValue<string>() is not { Length: > 0 })
        {
            return Answer.Error(422, "number and text are required.");
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        Operation operation;
        lock (_lock)
        {
            // A repeated POST with the same Idempotency-Key is a retry: same operation, not stored again.
            if (key.Length > 0 && _byIdempotencyKey.TryGetValue(key, out var known))
            {
                operation = _operations[known];
            }
            else
            {
                var decision = _decisions.TryDequeue(out var next) ? next : new Decision("accepted", null, null, null);
                var id = "rem_" + Guid.NewGuid().ToString("N")[..16];
                operation = new Operation(id, decision with { Ticket = decision.Ticket ?? "TKT-" + id[4..12].ToUpperInvariant() },
                    decision.PendingPolls ?? _options.PendingPolls);
                _operations[id] = operation;
                _submissions.Add(submission);
                if (key.Length > 0)
                {
                    _byIdempotencyKey[key] = id;
                }
            }
        }

        var headers = new Dictionary<string, string> { ["Operation-Location"] = $"{request.Scheme}://{request.Host}{SubmitPath}/{operation.Id}" };
        AddRetryAfter(headers);
        return new Answer(202, JsonSerializer.Serialize(new { id = operation.Id, status = "pending" }), headers);
    }

    private Answer Poll(HttpRequest request, string id)
    {
        lock (_lock)
        {
            if (Faulted(_pollFaults) is { } fault)
            {
                return fault;
            }

            if (!_operations.TryGetValue(id, out var operation))
            {
                return Answer.Error(404, $"Operation {id} was not found.");
            }

            if (operation.PendingLeft > 0)
            {
                operation.PendingLeft--;
                var headers = new Dictionary<string, string>();
                AddRetryAfter(headers);
                return new Answer(200, JsonSerializer.Serialize(new { id, status = "pending" }), headers);
            }

            var decision = operation.Decision;
            return new Answer(200, decision.Status == "accepted"
                ? JsonSerializer.Serialize(new { id, status = decision.Status, ticketNumber = decision.Ticket })
                : JsonSerializer.Serialize(new { id, status = decision.Status, reason = decision.Reason }), []);
        }
    }

    private static Answer? Faulted(Queue<(RemediationFault Fault, int Status)> faults) =>
        !faults.TryDequeue(out var next) ? null : next.Fault switch
        {
            RemediationFault.BadJson => new Answer(200, "{\"id\": \"rem_", []),
            RemediationFault.Hang => new Answer(0, "", [], Hang: true),
            _ => Answer.Error(next.Status, "The service had a scripted failure."),
        };

    private void AddRetryAfter(Dictionary<string, string> headers)
    {
        if (_options.PollRetryAfter is { } after)
        {
            headers["Retry-After"] = ((long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private sealed record Decision(string Status, string? Ticket, string? Reason, int? PendingPolls);

    /// <summary>One operation; guarded by the simulator's lock.</summary>
    private sealed class Operation(string id, Decision decision, int pendingPolls)
    {
        public string Id { get; } = id;

        public Decision Decision { get; } = decision;

        public int PendingLeft { get; set; } = pendingPolls;
    }

    private sealed record Answer(int Status, string Body, Dictionary<string, string> Headers, bool Hang = false)
    {
        public static Answer Error(int status, string message) =>
            new(status, JsonSerializer.Serialize(new { error = new { code = status.ToString(CultureInfo.InvariantCulture), message } }), []);
    }
}

/// <summary>One request the remediation simulator answered (status 0 = it hung on purpose).</summary>
public sealed record RemediationRequest(string Method, string Path, string? IdempotencyKey, int Status, DateTimeOffset ReceivedAt);
