using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using NumberTrust.Local;

namespace NumberTrust.Functions.Tests.Parity;

/// <summary>The local host built (not started) as its Program builds it, to read what it maps and runs.</summary>
internal static class LocalHostApp
{
    public static WebApplication Build()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        builder.Configuration["Local:StartAzurite"] = "false";
        builder.AddNumberTrustLocalHost();
        var app = builder.Build();
        app.UseNumberTrustLocalHost();
        return app;
    }

    /// <summary>The API endpoints the local host serves (its OpenAPI document endpoint aside).</summary>
    public static IReadOnlyList<RouteEndpoint> ApiEndpoints(WebApplication app) =>
        ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("openapi/", StringComparison.Ordinal) != true)
            .ToList();

    public static string NameOf(Endpoint endpoint) => endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed)";

    public static string RouteOf(RouteEndpoint endpoint) => endpoint.RoutePattern.RawText!.TrimStart('/');

    public static IReadOnlyList<string> MethodsOf(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal).ToList() ?? [];

    /// <summary>The Core handler an endpoint runs (minimal APIs record the method in the endpoint's metadata).</summary>
    public static string HandlerOf(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<System.Reflection.MethodInfo>() is { } method ? $"{method.DeclaringType?.FullName}.{method.Name}" : "(none)";
}
