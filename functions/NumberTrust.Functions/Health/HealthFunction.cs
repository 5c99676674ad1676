using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Health;

/// <summary>The anonymous health probe; the endpoint is <see cref="NumberTrust.Health.HealthApi"/>.</summary>
public sealed class HealthFunction(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.GetHealth)]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Health)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetHealth, request);
}
