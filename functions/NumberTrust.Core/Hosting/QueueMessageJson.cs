using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NumberTrust.Hosting;

/// <summary>A versioned queue message: consumers refuse versions they do not understand.</summary>
public interface IVersionedMessage
{
    int Version { get; }
}

/// <summary>
/// Serialises queue messages (JSON, camelCase) and refuses versions this build does not understand. Every message also carries the
/// producer's trace context (<c>traceParent</c>, W3C), so the consumer's work joins the producer's trace.
/// </summary>
public static class QueueMessageJson
{
    public const string TraceParentProperty = "traceParent";

    public static BinaryData Serialize<T>(T message)
    {
        var node = JsonSerializer.SerializeToNode(message, ApiJson.Options)!.AsObject();
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            node[TraceParentProperty] = activity.Id;
        }

        return BinaryData.FromString(node.ToJsonString(ApiJson.Options));
    }

    public static T Deserialize<T>(BinaryData body, int supportedVersion)
        where T : class, IVersionedMessage
    {
        T? message;
        try
        {
            var node = JsonNode.Parse(body.ToMemory().Span);
            if (node is JsonObject json)
            {
                json.Remove(TraceParentProperty);
            }

            message = node.Deserialize<T>(ApiJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidMessageException($"{typeof(T).Name} is not valid JSON: {e.Message}", e);
        }

        if (message is null)
        {
            throw new InvalidMessageException($"{typeof(T).Name} is empty.");
        }

        return message.Version == supportedVersion
            ? message
            : throw new InvalidMessageException($"{typeof(T).Name} version {message.Version} is not supported (this build reads {supportedVersion}).");
    }

    /// <summary>For poison handlers: the message, or null with the reason when it can never be read (it is then only logged).</summary>
    public static T? TryDeserialize<T>(BinaryData body, int supportedVersion, out string? error)
        where T : class, IVersionedMessage
    {
        try
        {
            error = null;
            return Deserialize<T>(body, supportedVersion);
        }
        catch (InvalidMessageException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The trace context a message carries, or null (an older message, or not JSON at all).</summary>
    public static string? TraceParentOf(BinaryData body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty(TraceParentProperty, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A queue message that can never be processed (bad JSON, unknown version); it ends in the poison queue.</summary>
public sealed class InvalidMessageException(string message, Exception? inner = null) : Exception(message, inner);
