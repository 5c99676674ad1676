using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Upkeep;

/// <summary>Number upkeep: the endpoints of <see cref="NumberTrust.Upkeep.CallStats.CallStatsApi"/>.</summary>
public sealed class UpkeepFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.PostCallStats)]
    public Task<IResult> PostCallStats([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumberCallStats)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PostCallStats, request);

    [Function(FunctionNames.GetCallStats)]
    public Task<IResult> GetCallStats([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.NumberCallStats)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetCallStats, request);
}
