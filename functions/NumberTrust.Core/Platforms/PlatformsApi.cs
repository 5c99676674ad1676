using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Appeals;
using NumberTrust.Hosting;
using NumberTrust.Labels;
using NumberTrust.Tenants;

namespace NumberTrust.Platforms;

/// <summary>One entry of <c>GET /api/platforms</c>: the catalog's facts and the appeal route appeals use.</summary>
public sealed record PlatformView(
    string Id, string Name, string Market, string LookupMethod, bool Enabled, IReadOnlyList<LabelCategory> Categories, AppealRoute Appeal);

public sealed record PlatformListView(IReadOnlyList<PlatformView> Items);

/// <summary><c>GET /api/platforms</c>: the platform catalog of this deployment.</summary>
public static class PlatformsApi
{
    public static RouteGroupBuilder MapPlatforms(this RouteGroupBuilder api)
    {
        api.MapGet(ApiRoutes.Platforms, List).WithName(FunctionNames.ListPlatforms).WithTags("Platforms").RequireTenant()
            .WithSummary("The caller-ID platforms of this deployment: id, name, market, lookup method, enabled, categories, appeal channel.");
        return api;
    }

    public static Ok<PlatformListView> List(PlatformCatalog catalog, AppealRoutes routes) =>
        TypedResults.Ok(new PlatformListView(catalog.Describe()
            .Select(p => new PlatformView(p.Id, p.Name, p.Market, p.LookupMethod, p.Enabled, p.Categories, routes.For(p.Id)))
            .ToList()));
}
