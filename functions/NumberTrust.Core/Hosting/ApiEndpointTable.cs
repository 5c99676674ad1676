using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace NumberTrust.Hosting;

/// <summary>
/// The endpoints of <see cref="ApiEndpoints.MapNumberTrustApi"/> by function name, built once per process for the Functions app,
/// whose HTTP triggers run them: so both hosts bind, authenticate, validate and answer through the same endpoint code.
/// </summary>
public sealed class ApiEndpointTable(IServiceProvider services)
{
    private readonly Lazy<IReadOnlyDictionary<string, RouteEndpoint>> _byName = new(() => Build(services));

    public IReadOnlyCollection<RouteEndpoint> Endpoints => (IReadOnlyCollection<RouteEndpoint>)_byName.Value.Values;

    public RouteEndpoint Find(string functionName) =>
        _byName.Value.TryGetValue(functionName, out var endpoint) ? endpoint : throw new KeyNotFoundException($"No endpoint named '{functionName}'.");

    /// <summary>Runs the endpoint for an HTTP trigger's request; the response is written, so the trigger returns an empty result.</summary>
    public async Task<IResult> InvokeAsync(string functionName, HttpRequest request)
    {
        var endpoint = Find(functionName);
        var context = request.HttpContext;
        context.SetEndpoint(endpoint);
        await endpoint.RequestDelegate!(context);

        // A request the endpoint could not even bind gets a bare status; give it the problem body the local host's pages give it.
        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= 400 && response.ContentLength is null && response.ContentType is null)
        {
            await Problems.Problem(response.StatusCode, ReasonPhrases.GetReasonPhrase(response.StatusCode), "The request could not be handled.")
                .ExecuteAsync(context);
        }

        return TypedResults.Empty;
    }

    /// <summary>Maps the API on a route builder of its own and indexes the endpoints by name.</summary>
    public static IReadOnlyDictionary<string, RouteEndpoint> Build(IServiceProvider services)
    {
        var builder = new Collector(services);
        builder.MapNumberTrustApi();
        return builder.DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .ToDictionary(
                e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? throw new InvalidOperationException($"Endpoint {e.DisplayName} has no name."),
                StringComparer.Ordinal);
    }

    private sealed class Collector(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
