using Azure.Storage.Queues.Models;

namespace NumberTrust.Hosting;

/// <summary>A dequeued message as the queue trigger hands it over (after base64 decoding).</summary>
public sealed record QueueMessageContext(string Id, BinaryData Body, long DequeueCount, DateTimeOffset? InsertionTime)
{
    /// <summary>The Functions trigger's message, whose body it has already decoded.</summary>
    public static QueueMessageContext From(QueueMessage message) => From(message, message.Body);

    /// <summary>A raw message whose body the caller decoded itself.</summary>
    public static QueueMessageContext From(QueueMessage message, BinaryData decodedBody) =>
        new(message.MessageId, decodedBody, message.DequeueCount, message.InsertedOn);
}

/// <summary>What a timer function is told when it fires (the Functions host's TimerInfo, reduced to what handlers use).</summary>
public sealed record TimerTick(DateTimeOffset ScheduledAt, bool IsPastDue, DateTimeOffset? Last, DateTimeOffset Next);
