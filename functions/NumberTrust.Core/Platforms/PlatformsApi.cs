using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Platforms;

public sealed record PlatformListView(IReadOnlyList<PlatformDescriptor> Items);

/// <summary><c>GET /api/platforms</c>: the platform catalog of this deployment.</summary>
public static class PlatformsApi
{
    public static RouteGroupBuilder MapPlatforms(this RouteGroupBuilder api)
    {
        api.MapGet(ApiRoutes.Platforms, List).WithName(FunctionNames.ListPlatforms).WithTags("Platforms").RequireTenant()
            .WithSummary("The caller-ID platforms of this deployment: id, name, market, lookup method, enabled, categories, appeal channel.");
        return api;
    }

    public static Ok<PlatformListView> List(PlatformCatalog catalog) => TypedResults.Ok(new PlatformListView(catalog.Describe()));
}
