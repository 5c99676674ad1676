using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Hosting;

/// <summary>OpenAPI metadata of an endpoint that reads its body through <see cref="HttpBody"/>, with the 413 and 415 that read can answer.</summary>
public static class RequestBodies
{
    public static RouteHandlerBuilder AcceptsJson<TRequest>(this RouteHandlerBuilder builder) where TRequest : notnull =>
        builder.AcceptsBody<TRequest>("application/json");

    public static RouteHandlerBuilder AcceptsBody<TRequest>(this RouteHandlerBuilder builder, string contentType, params string[] additionalContentTypes)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(contentType, additionalContentTypes)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
