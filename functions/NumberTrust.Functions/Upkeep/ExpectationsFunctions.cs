using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Functions.Hosting;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Upkeep;

/// <summary>
/// Expectations, planned display labels, qualification documents and the reminder timer: the endpoints of
/// <see cref="NumberTrust.Upkeep.Expectations.ExpectationsApi"/> and <see cref="NumberTrust.Upkeep.Documents.DocumentsApi"/>.
/// </summary>
public sealed class ExpectationsFunctions(ApiEndpointTable endpoints, TimeProvider time)
{
    [Function(FunctionNames.PutExpectation)]
    public Task<IResult> PutExpectation([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.NumberExpectation)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutExpectation, request);

    [Function(FunctionNames.GetExpectation)]
    public Task<IResult> GetExpectation([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberExpectation)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetExpectation, request);

    [Function(FunctionNames.DeleteExpectation)]
    public Task<IResult> DeleteExpectation([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.NumberExpectation)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteExpectation, request);

    [Function(FunctionNames.CreateDisplayLabel)]
    public Task<IResult> CreateDisplayLabel([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumberDisplayLabels)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.CreateDisplayLabel, request);

    [Function(FunctionNames.ListDisplayLabels)]
    public Task<IResult> ListDisplayLabels([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberDisplayLabels)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListDisplayLabels, request);

    [Function(FunctionNames.DeleteDisplayLabel)]
    public Task<IResult> DeleteDisplayLabel([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.NumberDisplayLabel)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteDisplayLabel, request);

    [Function(FunctionNames.CreateDocument)]
    public Task<IResult> CreateDocument([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.Documents)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.CreateDocument, request);

    [Function(FunctionNames.ListDocuments)]
    public Task<IResult> ListDocuments([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Documents)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListDocuments, request);

    [Function(FunctionNames.GetDocument)]
    public Task<IResult> GetDocument([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Document)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetDocument, request);

    [Function(FunctionNames.PutDocument)]
    public Task<IResult> PutDocument([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.Document)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutDocument, request);

    [Function(FunctionNames.DeleteDocument)]
    public Task<IResult> DeleteDocument([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.Document)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteDocument, request);

    [Function(FunctionNames.UpkeepReminderTimer)]
    public Task UpkeepReminderTimer(
        [TimerTrigger("%" + ScheduleSettings.UpkeepReminders + "%")] TimerInfo timer, FunctionContext context, CancellationToken cancellationToken) =>
        FunctionTable.RunTimerAsync(FunctionNames.UpkeepReminderTimer, context.InstanceServices, timer.ToTick(time.GetUtcNow()), cancellationToken);
}
