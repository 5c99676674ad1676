using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Functions.Hosting;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Appeals;

/// <summary>Removal appeals: the endpoints of <see cref="NumberTrust.Appeals.AppealsApi"/> and the appeal sweep timer.</summary>
public sealed class AppealFunctions(ApiEndpointTable endpoints, TimeProvider time)
{
    [Function(FunctionNames.CreateAppeal)]
    public Task<IResult> CreateAppeal([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumberAppeals)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.CreateAppeal, request);

    [Function(FunctionNames.ListAppeals)]
    public Task<IResult> ListAppeals([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Appeals)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListAppeals, request);

    [Function(FunctionNames.GetAppeal)]
    public Task<IResult> GetAppeal([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Appeal)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetAppeal, request);

    [Function(FunctionNames.SubmitAppeal)]
    public Task<IResult> SubmitAppeal([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.AppealSubmit)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.SubmitAppeal, request);

    [Function(FunctionNames.WithdrawAppeal)]
    public Task<IResult> WithdrawAppeal([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.AppealWithdraw)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.WithdrawAppeal, request);

    [Function(FunctionNames.UpdateAppeal)]
    public Task<IResult> UpdateAppeal([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.AppealUpdates)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.UpdateAppeal, request);

    [Function(FunctionNames.AppealSweepTimer)]
    public Task AppealSweepTimer(
        [TimerTrigger("%" + ScheduleSettings.AppealSweep + "%")] TimerInfo timer, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunTimerAsync(FunctionNames.AppealSweepTimer, context.InstanceServices, timer.ToTick(time.GetUtcNow()), cancellationToken);

    [Function(FunctionNames.ReopenAppeal)]
    public Task<IResult> ReopenAppeal([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.AppealReopen)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ReopenAppeal, request);

    [Function(FunctionNames.PutAppealEvidence)]
    public Task<IResult> PutAppealEvidence([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.AppealEvidence)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutAppealEvidence, request);

    [Function(FunctionNames.GetAppealEvidence)]
    public Task<IResult> GetAppealEvidence([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AppealEvidence)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetAppealEvidence, request);

    [Function(FunctionNames.DeleteAppealEvidence)]
    public Task<IResult> DeleteAppealEvidence([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.AppealEvidence)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteAppealEvidence, request);

    [Function(FunctionNames.DeleteAppeal)]
    public Task<IResult> DeleteAppeal([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.Appeal)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteAppeal, request);

    [Function(FunctionNames.GetAppealSettings)]
    public Task<IResult> GetAppealSettings([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AppealSettings)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetAppealSettings, request);

    [Function(FunctionNames.PutAppealSettings)]
    public Task<IResult> PutAppealSettings([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.AppealSettings)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutAppealSettings, request);

    [Function(FunctionNames.GetAppealReport)]
    public Task<IResult> GetAppealReport([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.AppealReport)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetAppealReport, request);

    [Function(FunctionNames.SendAppeal)]
    public Task SendAppeal([QueueTrigger(QueueNames.AppealSends)] QueueMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunQueueAsync(FunctionNames.SendAppeal, context.InstanceServices, QueueMessageContext.From(message), cancellationToken);

    [Function(FunctionNames.GetAppealRoute)]
    public Task<IResult> GetAppealRoute([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.PlatformAppealRoute)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetAppealRoute, request);

    [Function(FunctionNames.PutAppealRoute)]
    public Task<IResult> PutAppealRoute([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.PlatformAppealRoute)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutAppealRoute, request);
}
