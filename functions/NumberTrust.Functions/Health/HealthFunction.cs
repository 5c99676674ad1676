using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Health;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Health;

/// <summary>Anonymous health probe; see <see cref="HealthApi"/>.</summary>
public sealed class HealthFunction(HealthApi health)
{
    [Function(nameof(GetHealth))]
    public async Task<IResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Health)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await health.GetAsync(cancellationToken);
}
