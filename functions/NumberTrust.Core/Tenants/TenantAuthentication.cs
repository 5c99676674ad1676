using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace NumberTrust.Tenants;

/// <summary>
/// Authentication declared once per route group: an endpoint filter that checks the key before anything else runs (body, media
/// type, validation), so both hosts answer an unauthenticated request with 401 (or 429 while its address keeps failing).
/// </summary>
public static class TenantAuthentication
{
    /// <summary>Tenant endpoints: the <c>x-api-key</c> must be a tenant key; the handler gets its <see cref="CurrentTenant"/>.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var result = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(http, http.RequestAborted);
            if (!result.Succeeded)
            {
                return result.Problem;
            }

            http.RequestServices.GetRequiredService<CurrentTenant>().Set(result.Tenant);
            return await next(context);
        }).WithAuthenticationProblems();

    /// <summary>Admin endpoints: the <c>x-api-key</c> must be the bootstrap admin key.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            return http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAdmin(http) is { } denied
                ? denied
                : await next(context);
        }).WithAuthenticationProblems();

    private static TBuilder WithAuthenticationProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
}
