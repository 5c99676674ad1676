using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.ScanRuns;

/// <summary>On-demand scans: the endpoints of <see cref="NumberTrust.ScanRuns.ScanRunsApi"/> and the run expansion's queues.</summary>
public sealed class ScanRunFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.ScanNumber)]
    public Task<IResult> ScanNumber([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumberScans)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ScanNumber, request);

    [Function(FunctionNames.ScanTenant)]
    public Task<IResult> ScanTenant([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.Scans)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ScanTenant, request);

    [Function(FunctionNames.GetScan)]
    public Task<IResult> GetScan([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Scan)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetScan, request);

    [Function(FunctionNames.ExpandScanRun)]
    public Task ExpandScanRun([QueueTrigger(QueueNames.ScanRuns)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.ExpandScanRun, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.RecordPoisonedScanRun)]
    public Task RecordPoisonedScanRun([QueueTrigger(QueueNames.ScanRunsPoison)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.RecordPoisonedScanRun, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);
}
