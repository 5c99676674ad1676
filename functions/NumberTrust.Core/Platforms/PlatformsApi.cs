using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NumberTrust.Tenants;

namespace NumberTrust.Platforms;

public sealed record PlatformListView(IReadOnlyList<PlatformDescriptor> Items);

/// <summary><c>GET /api/platforms</c>: the platform catalog of this deployment.</summary>
public sealed class PlatformsApi(ApiKeyAuthenticator auth, PlatformCatalog catalog)
{
    public async Task<Results<Ok<PlatformListView>, ProblemHttpResult>> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (_, denied) = await auth.AuthenticateAsync(request, cancellationToken);
        return denied is not null ? denied : TypedResults.Ok(new PlatformListView(catalog.Describe()));
    }
}
