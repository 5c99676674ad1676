using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;
using NumberTrust.Platforms;

namespace NumberTrust.Functions.Platforms;

/// <summary>The platform catalog; see <see cref="PlatformsApi"/>.</summary>
public sealed class PlatformsFunction(PlatformsApi platforms)
{
    [Function(nameof(ListPlatforms))]
    public async Task<IResult> ListPlatforms(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Platforms)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await platforms.ListAsync(request, cancellationToken);
}
