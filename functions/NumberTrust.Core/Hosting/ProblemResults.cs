using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace NumberTrust.Hosting;

/// <summary>
/// A problem response of one status, written as <c>application/problem+json</c> (RFC 9457) and declared to OpenAPI as such.
/// <c>TypedResults.NotFound(problemDetails)</c> would write it as plain JSON.
/// </summary>
public abstract class StatusProblem(ProblemDetails details) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    public const string ContentType = "application/problem+json";

    public ProblemDetails Value { get; } = details;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => Value.Status;

    string? IContentTypeHttpResult.ContentType => ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(Value).ExecuteAsync(httpContext);

    protected static void Declare(int status, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ContentType]));

    protected static ProblemDetails Details(int status, string title, string detail, IDictionary<string, object?>? extensions)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}

/// <summary>404 as a problem.</summary>
public sealed class NotFoundProblem(string detail) : StatusProblem(Details(StatusCodes.Status404NotFound, "Not found", detail, null)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(StatusCodes.Status404NotFound, builder);
}

/// <summary>409 as a problem: the request conflicts with what is stored (an appeal already open, say).</summary>
public sealed class ConflictProblem(string detail, IDictionary<string, object?>? extensions = null)
    : StatusProblem(Details(StatusCodes.Status409Conflict, "Conflict", detail, extensions)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(StatusCodes.Status409Conflict, builder);
}

/// <summary>422 as a problem: a well-formed request the rules do not allow now (missing evidence, a frequency limit).</summary>
public sealed class UnprocessableProblem(string detail, IDictionary<string, object?>? extensions = null)
    : StatusProblem(Details(StatusCodes.Status422UnprocessableEntity, "The request cannot be carried out", detail, extensions)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(StatusCodes.Status422UnprocessableEntity, builder);
}
