using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace NumberTrust.Hosting;

/// <summary>JSON settings of the public API: camelCase, enums as strings, unknown properties refused.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return options;
    }
}

/// <summary>Reads request bodies with a hard size limit, turning every malformed body into a ProblemDetails, never an exception.</summary>
public static class HttpBody
{
    /// <summary>Largest JSON body the API accepts.</summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>Largest CSV import body the API accepts.</summary>
    public const int MaxCsvBytes = 8 * 1024 * 1024;

    /// <summary>Reads the body; an absent body yields <paramref name="whenEmpty"/> (or a 400 when that is null).</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadJsonAsync<T>(
        HttpRequest request, T? whenEmpty, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is { Length: > 0 } contentType && !IsJson(contentType))
        {
            return (null, Problems.UnsupportedMediaType("application/json"));
        }

        var (bytes, problem) = await ReadBytesAsync(request, MaxJsonBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (bytes!.Length == 0 || bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return whenEmpty is not null ? (whenEmpty, null) : (null, Problems.BadRequest("The request body is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, ApiJson.Options);
            return value is null ? (null, Problems.BadRequest("The request body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at '{path}'" : "";
            return (null, Problems.BadRequest($"The request body is not valid JSON{where}: {FirstSentence(e.Message)}"));
        }
        catch (NotSupportedException e)
        {
            return (null, Problems.BadRequest($"The request body cannot be read: {FirstSentence(e.Message)}"));
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; more gives 413, whatever Content-Length claimed.</summary>
    public static async Task<(byte[]? Bytes, ProblemHttpResult? Problem)> ReadBytesAsync(
        HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, Problems.TooLarge(limit));
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Min(limit, (int?)request.ContentLength ?? 16 * 1024) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await request.Body.ReadAsync(memory, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return (null, Problems.TooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.TooLarge(limit) : Problems.BadRequest(e.Message));
        }

        return (buffer.WrittenSpan.ToArray(), null);
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}

/// <summary>RFC 9457 problem responses used across the API.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static ProblemHttpResult Invalid(string field, string reason) =>
        TypedResults.Problem(
            reason,
            statusCode: StatusCodes.Status400BadRequest,
            title: "One or more fields are invalid",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [reason] } });

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(
            string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            statusCode: StatusCodes.Status400BadRequest,
            title: "One or more fields are invalid",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem(
            $"The request body is larger than the limit of {limit} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large");

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        TypedResults.Problem(
            $"The request body must be {expected}.",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
}
