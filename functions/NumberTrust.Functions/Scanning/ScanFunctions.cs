using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;
using NumberTrust.Scanning;

namespace NumberTrust.Functions.Scanning;

/// <summary>The scan pipeline's triggers: planner timer, queue workers, on-demand scans and history. Logic lives in Core.</summary>
public sealed class ScanFunctions(ScanPlanner planner, LookupWorker worker, ScansApi scans)
{
    [Function("ScanPlannerTimer")]
    public Task ScanPlannerTimer([TimerTrigger("%" + ScheduleSettings.ScanPlanner + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        planner.TickAsync(
            new TimerTick(
                DateTimeOffset.UtcNow,
                timer.IsPastDue,
                timer.ScheduleStatus is { } s ? new DateTimeOffset(s.Last, TimeSpan.Zero) : null,
                timer.ScheduleStatus is { } n ? new DateTimeOffset(n.Next, TimeSpan.Zero) : DateTimeOffset.UtcNow),
            cancellationToken);

    [Function("PlanScanShard")]
    public Task PlanScanShard([QueueTrigger(QueueNames.ScanPlans)] QueueMessage message, CancellationToken cancellationToken) =>
        planner.PlanShardAsync(Context(message), cancellationToken);

    [Function("ReplanPoisonedShard")]
    public Task ReplanPoisonedShard([QueueTrigger(QueueNames.ScanPlansPoison)] QueueMessage message, CancellationToken cancellationToken) =>
        planner.HandlePoisonAsync(Context(message), cancellationToken);

    [Function("LookupLabel")]
    public Task LookupLabel([QueueTrigger(QueueNames.Lookups)] QueueMessage message, CancellationToken cancellationToken) =>
        worker.RunAsync(Context(message), cancellationToken);

    [Function("RecordPoisonedLookup")]
    public Task RecordPoisonedLookup([QueueTrigger(QueueNames.LookupsPoison)] QueueMessage message, CancellationToken cancellationToken) =>
        worker.HandlePoisonAsync(Context(message), cancellationToken);

    [Function("ExpandScanRun")]
    public Task ExpandScanRun([QueueTrigger(QueueNames.ScanRuns)] QueueMessage message, CancellationToken cancellationToken) =>
        scans.ExpandAsync(Context(message), cancellationToken);

    [Function("RecordPoisonedScanRun")]
    public Task RecordPoisonedScanRun([QueueTrigger(QueueNames.ScanRunsPoison)] QueueMessage message, CancellationToken cancellationToken) =>
        scans.HandlePoisonAsync(Context(message), cancellationToken);

    [Function(nameof(ScanNumber))]
    public async Task<IResult> ScanNumber(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumberScans)] HttpRequest request, string number,
        CancellationToken cancellationToken) =>
        await scans.ScanNumberAsync(request, number, cancellationToken);

    [Function(nameof(ScanTenant))]
    public async Task<IResult> ScanTenant(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.Scans)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await scans.ScanTenantAsync(request, cancellationToken);

    [Function(nameof(GetScan))]
    public async Task<IResult> GetScan(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Scan)] HttpRequest request, string scanId,
        CancellationToken cancellationToken) =>
        await scans.GetScanAsync(request, scanId, cancellationToken);

    [Function(nameof(GetNumberHistory))]
    public async Task<IResult> GetNumberHistory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberHistory)] HttpRequest request, string number,
        CancellationToken cancellationToken) =>
        await scans.HistoryAsync(request, number, cancellationToken);

    // The trigger decodes base64 before binding, so the body is the JSON the producer serialised.
    private static QueueMessageContext Context(QueueMessage message) =>
        new(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn);
}
