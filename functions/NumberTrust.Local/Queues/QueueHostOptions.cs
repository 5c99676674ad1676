using System.Text.Json;
using System.Text.Json.Nodes;

namespace NumberTrust.Local.Queues;

/// <summary>The queue trigger settings of host.json (<c>extensions.queues</c>) with the Functions host's defaults.</summary>
public sealed record QueueHostOptions
{
    public int BatchSize { get; init; } = 16;

    /// <summary>Fetch a new batch once this few messages are still in flight. Functions' default is batchSize / 2 per core.</summary>
    public int NewBatchThreshold { get; init; } = 8;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before a failed message becomes visible again.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; init; } = 5;

    /// <summary><c>base64</c> (default) or <c>none</c>.</summary>
    public string MessageEncoding { get; init; } = "base64";

    /// <summary>How long a message stays invisible while its handler runs (the Functions host renews at half this).</summary>
    public TimeSpan ProcessingLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>host.json's <c>functionTimeout</c>: an invocation still running after it is cancelled and counts as failed.</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Reads host.json; a missing file or section keeps the defaults, a malformed value is an error.</summary>
    public static QueueHostOptions FromHostJson(string path)
    {
        var defaults = new QueueHostOptions { NewBatchThreshold = Math.Max(1, 16 / 2 * Environment.ProcessorCount) };
        if (!File.Exists(path))
        {
            return defaults;
        }

        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        defaults = defaults with { FunctionTimeout = Time(root?["functionTimeout"], defaults.FunctionTimeout) };
        if (root?["extensions"]?["queues"] is not JsonObject queues)
        {
            return defaults;
        }

        var batchSize = queues["batchSize"]?.GetValue<int>() ?? defaults.BatchSize;
        if (batchSize is < 1 or > 32)
        {
            throw new InvalidOperationException($"host.json extensions.queues.batchSize must be 1 to 32, not {batchSize}.");
        }

        var encoding = queues["messageEncoding"]?.GetValue<string>() ?? defaults.MessageEncoding;
        if (encoding is not ("base64" or "none"))
        {
            throw new InvalidOperationException($"host.json extensions.queues.messageEncoding must be base64 or none, not '{encoding}'.");
        }

        return new QueueHostOptions
        {
            BatchSize = batchSize,
            NewBatchThreshold = queues["newBatchThreshold"]?.GetValue<int>() ?? Math.Max(1, batchSize / 2 * Environment.ProcessorCount),
            MaxPollingInterval = Time(queues["maxPollingInterval"], defaults.MaxPollingInterval),
            VisibilityTimeout = Time(queues["visibilityTimeout"], defaults.VisibilityTimeout),
            MaxDequeueCount = queues["maxDequeueCount"]?.GetValue<int>() ?? defaults.MaxDequeueCount,
            MessageEncoding = encoding,
            FunctionTimeout = defaults.FunctionTimeout,
        };
    }

    private static TimeSpan Time(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}
