/// <summary>
/// Counts every storage request the host makes (one request = one billable storage transaction; an entity-group transaction
/// counts once), by kind, so a report can say what the transactions per lookup are made of.
/// </summary>
internal sealed class CountingPolicy(int queuePort, int tablePort) : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentDictionary<string, long> _kinds = new(StringComparer.Ordinal);
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_kinds, StringComparer.Ordinal);

    public override void OnSendingRequest(HttpMessage message)
    {
        Interlocked.Increment(ref _count);
        var kind = Kind(message.Request);
        _kinds.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        if (kind.StartsWith("queue", StringComparison.Ordinal) && kind != "queue send")
        {
            // Which queue, for Azurite's costs: every queue request but a send makes Azurite re-sort its message indexes.
            var segments = message.Request.Uri.ToUri().AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var queue = segments.Length > 1 ? segments[1] : "?";
            _kinds.AddOrUpdate($"{kind} ({queue})", 1, static (_, n) => n + 1);
        }
    }

    private string Kind(Request request)
    {
        var uri = request.Uri.ToUri();
        var path = uri.AbsolutePath;
        var method = request.Method.Method;
        if (uri.Port == queuePort)
        {
            return (method, path.Contains("/messages/", StringComparison.Ordinal), path.EndsWith("/messages", StringComparison.Ordinal)) switch
            {
                ("GET", _, true) => "queue receive",
                ("POST", _, true) => "queue send",
                ("DELETE", true, _) => "queue delete",
                ("PUT", true, _) => "queue update",
                _ => $"queue {method.ToLowerInvariant()} other",
            };
        }

        if (uri.Port == tablePort)
        {
            if (path.EndsWith("$batch", StringComparison.Ordinal))
            {
                return "table transaction";
            }

            var pointRead = path.Contains("PartitionKey=", StringComparison.Ordinal) && path.Contains("RowKey=", StringComparison.Ordinal);
            var kind = method switch
            {
                "GET" when pointRead => "table point read",
                "GET" => "table query",
                _ => "table write",
            };
            // Shared pacing's slot claims, so the report can tell them from the lookup's own writes.
            return path.Contains(TableNames.PlatformPacing + "(", StringComparison.Ordinal) || path.EndsWith(TableNames.PlatformPacing, StringComparison.Ordinal)
                ? kind + " (pacing)"
                : kind;
        }

        return "other";
    }
}
