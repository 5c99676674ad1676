using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;
using NumberTrust.Scanning;

namespace NumberTrust.Functions.Scanning;

/// <summary>A tenant's peak windows and the background pull-forward after a save; all logic lives in <see cref="PeakWindowsApi"/>.</summary>
public sealed class PeakWindowsFunctions(PeakWindowsApi peakWindows)
{
    [Function(nameof(GetPeakWindows))]
    public async Task<IResult> GetPeakWindows(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.PeakWindows)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await peakWindows.GetAsync(request, cancellationToken);

    [Function(nameof(PutPeakWindows))]
    public async Task<IResult> PutPeakWindows(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.PeakWindows)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await peakWindows.PutAsync(request, cancellationToken);

    [Function("PullSchedulesForward")]
    public Task PullSchedulesForward([QueueTrigger(QueueNames.SchedulePulls)] QueueMessage message, CancellationToken cancellationToken) =>
        peakWindows.PullForwardAsync(new QueueMessageContext(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn), cancellationToken);
}
