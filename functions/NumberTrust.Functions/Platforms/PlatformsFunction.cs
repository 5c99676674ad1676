using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Platforms;

/// <summary>The platform catalog; the endpoint is <see cref="NumberTrust.Platforms.PlatformsApi"/>'s.</summary>
public sealed class PlatformsFunction(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.ListPlatforms)]
    public Task<IResult> ListPlatforms([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Platforms)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListPlatforms, request);
}
