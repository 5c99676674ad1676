using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Functions.Hosting;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Scheduling;

/// <summary>The scan schedule: planner timer and shard queues, peak windows and their pull-forward. Logic lives in Core's Scheduling.</summary>
public sealed class SchedulingFunctions(ApiEndpointTable endpoints, TimeProvider time)
{
    [Function(FunctionNames.ScanPlannerTimer)]
    public Task ScanPlannerTimer(
        [TimerTrigger("%" + ScheduleSettings.ScanPlanner + "%")] TimerInfo timer, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunTimerAsync(FunctionNames.ScanPlannerTimer, context.InstanceServices, timer.ToTick(time.GetUtcNow()), cancellationToken);

    [Function(FunctionNames.PlanScanShard)]
    public Task PlanScanShard([QueueTrigger(QueueNames.ScanPlans)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.PlanScanShard, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.ReplanPoisonedShard)]
    public Task ReplanPoisonedShard([QueueTrigger(QueueNames.ScanPlansPoison)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.ReplanPoisonedShard, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.GetPeakWindows)]
    public Task<IResult> GetPeakWindows([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.PeakWindows)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetPeakWindows, request);

    [Function(FunctionNames.PutPeakWindows)]
    public Task<IResult> PutPeakWindows([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.PeakWindows)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutPeakWindows, request);

    [Function(FunctionNames.PullSchedulesForward)]
    public Task PullSchedulesForward([QueueTrigger(QueueNames.SchedulePulls)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.PullSchedulesForward, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);
}
