using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Numbers;

/// <summary>HTTP triggers of the number registry; the endpoints are <see cref="NumberTrust.Numbers.NumbersApi"/>'s.</summary>
public sealed class NumbersFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.PutNumber)]
    public Task<IResult> PutNumber([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.Number)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutNumber, request);

    [Function(FunctionNames.GetNumber)]
    public Task<IResult> GetNumber([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Number)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetNumber, request);

    [Function(FunctionNames.ListNumbers)]
    public Task<IResult> ListNumbers([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Numbers)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListNumbers, request);

    [Function(FunctionNames.DeleteNumber)]
    public Task<IResult> DeleteNumber([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.Number)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteNumber, request);

    [Function(FunctionNames.ImportNumbers)]
    public Task<IResult> ImportNumbers([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumbersImport)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ImportNumbers, request);

    [Function(FunctionNames.GetNumberHistory)]
    public Task<IResult> GetNumberHistory([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberHistory)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetNumberHistory, request);
}
