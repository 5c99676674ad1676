using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Functions.Hosting;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Notifications;

/// <summary>
/// Daily digests: the settings endpoints, the timer that finds due tenants and the <c>digests</c> composer; the logic is in
/// <see cref="NumberTrust.Notifications.Digests"/>.
/// </summary>
public sealed class DigestsFunctions(ApiEndpointTable endpoints, TimeProvider time)
{
    [Function(FunctionNames.GetDigestSettings)]
    public Task<IResult> GetDigestSettings([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.DigestSettings)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetDigestSettings, request);

    [Function(FunctionNames.PutDigestSettings)]
    public Task<IResult> PutDigestSettings([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.DigestSettings)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutDigestSettings, request);

    [Function(FunctionNames.DigestTimer)]
    public Task DigestTimer(
        [TimerTrigger("%" + ScheduleSettings.Digest + "%")] TimerInfo timer, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunTimerAsync(FunctionNames.DigestTimer, context.InstanceServices, timer.ToTick(time.GetUtcNow()), cancellationToken);

    [Function(FunctionNames.ComposeDigest)]
    public Task ComposeDigest([QueueTrigger(QueueNames.Digests)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.ComposeDigest, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);
}
