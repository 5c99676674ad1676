using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace NumberTrust.Hosting;

/// <summary>RFC 9457 problem responses used across the API; typed where OpenAPI should name the status.</summary>
public static class Problems
{
    public const string InvalidTitle = "One or more fields are invalid";

    public static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, reason, title: InvalidTitle);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), title: InvalidTitle);

    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static ConflictProblem Conflict(string detail, IDictionary<string, object?>? extensions = null) => new(detail, extensions);

    public static UnprocessableProblem Unprocessable(string detail, IDictionary<string, object?>? extensions = null) => new(detail, extensions);

    public static ProblemHttpResult BadRequestProblem(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult PreconditionFailed(string detail) => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail);

    public static ProblemHttpResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The request body is larger than the limit of {limit} bytes.");

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"The request body must be {expected}.");

    public static ProblemHttpResult TooManyRequests(string detail) => Problem(StatusCodes.Status429TooManyRequests, "Too many requests", detail);

    public static ProblemHttpResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail);

    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
}
