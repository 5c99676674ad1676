using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Notifications;

/// <summary>
/// Alert delivery: the <c>alerts</c> dispatcher, the <c>deliveries</c> worker and the deliveries API; the logic is in
/// <see cref="NumberTrust.Notifications.Deliveries"/>.
/// </summary>
public sealed class DeliveriesFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.DispatchAlert)]
    public Task DispatchAlert([QueueTrigger(QueueNames.Alerts)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.DispatchAlert, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.RedispatchPoisonedAlert)]
    public Task RedispatchPoisonedAlert([QueueTrigger(QueueNames.AlertsPoison)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.RedispatchPoisonedAlert, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.DeliverAlert)]
    public Task DeliverAlert([QueueTrigger(QueueNames.Deliveries)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.DeliverAlert, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.RecordPoisonedDelivery)]
    public Task RecordPoisonedDelivery([QueueTrigger(QueueNames.DeliveriesPoison)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.RecordPoisonedDelivery, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.ListDeliveries)]
    public Task<IResult> ListDeliveries([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.SubscriptionDeliveries)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListDeliveries, request);

    [Function(FunctionNames.RedeliverDelivery)]
    public Task<IResult> RedeliverDelivery([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.SubscriptionRedeliver)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.RedeliverDelivery, request);
}
