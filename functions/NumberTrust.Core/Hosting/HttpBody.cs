using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace NumberTrust.Hosting;

/// <summary>A request body read and checked: the value, or the 400/413/415 problem that explains why there is none.</summary>
public readonly record struct Body<T>(T? Value, ProblemHttpResult? Problem)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsValid => Problem is null;
}

/// <summary>Reads request bodies with a hard size limit, turning every malformed or broken body into a ProblemDetails, never an exception.</summary>
public static class HttpBody
{
    /// <summary>Largest JSON body the API accepts.</summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>Largest CSV import body the API accepts.</summary>
    public const int MaxCsvBytes = 8 * 1024 * 1024;

    /// <summary>Reads a JSON body; an absent body yields <paramref name="whenEmpty"/> (or a 400 when that is null).</summary>
    public static async Task<Body<T>> ReadJsonAsync<T>(HttpRequest request, T? whenEmpty, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is { Length: > 0 } contentType && !IsMediaType(contentType, "application/json", "+json"))
        {
            return new(null, Problems.UnsupportedMediaType("application/json"));
        }

        var bytes = await ReadBytesAsync(request, MaxJsonBytes, cancellationToken);
        if (!bytes.IsValid)
        {
            return new(null, bytes.Problem);
        }

        if (bytes.Value.Length == 0 || bytes.Value.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return whenEmpty is not null ? new(whenEmpty, null) : new(null, Problems.BadRequestProblem("The request body is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes.Value, ApiJson.Options);
            return value is null ? new(null, Problems.BadRequestProblem("The request body must be a JSON object.")) : new(value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at '{path}'" : "";
            return new(null, Problems.BadRequestProblem($"The request body is not valid JSON{where}: {FirstSentence(e.Message)}"));
        }
        catch (NotSupportedException e)
        {
            return new(null, Problems.BadRequestProblem($"The request body cannot be read: {FirstSentence(e.Message)}"));
        }
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes; more gives 413, whatever Content-Length claimed. A body the transport cannot
    /// deliver (a malformed chunk, a connection reset mid-body) is the client's fault: 400, never an exception.
    /// </summary>
    public static async Task<Body<byte[]>> ReadBytesAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return new(null, Problems.TooLarge(limit));
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
                    return new(null, Problems.TooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, Problems.TooLarge(limit));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            return new(null, Problems.BadRequestProblem($"The request body could not be read: {FirstSentence(e.Message)}"));
        }

        return new(buffer.WrittenSpan.ToArray(), null);
    }

    /// <summary>Whether a Content-Type names one of the media types (exact, or a suffix such as <c>+json</c>).</summary>
    public static bool IsMediaType(string contentType, params string[] accepted) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Value is { } type &&
        accepted.Any(a => a.StartsWith('+') ? type.EndsWith(a, StringComparison.OrdinalIgnoreCase) : type.Equals(a, StringComparison.OrdinalIgnoreCase));

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}
