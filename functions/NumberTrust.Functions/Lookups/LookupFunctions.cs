using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Lookups;

/// <summary>The lookup worker's queues; the logic is <see cref="NumberTrust.Lookups.LookupWorker"/>.</summary>
public sealed class LookupFunctions
{
    [Function(FunctionNames.LookupLabel)]
    public Task LookupLabel([QueueTrigger(QueueNames.Lookups)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.LookupLabel, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.RecordPoisonedLookup)]
    public Task RecordPoisonedLookup([QueueTrigger(QueueNames.LookupsPoison)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.RecordPoisonedLookup, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);
}
