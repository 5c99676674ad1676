using Azure.Core;
using Azure.Core.Pipeline;

namespace NumberTrust.Storage;

/// <summary>
/// Creates the table or queue a request found missing, once, and sends the request again: so no code path depends on start-up
/// having created it (Functions invokes functions before start-up work ends, and a fresh emulator has nothing). In steady state it
/// costs nothing: it acts only on the service's own "not found" answer for the resource itself.
/// </summary>
internal sealed class CreateMissingPolicy(string missingErrorCode, Func<CancellationToken, Task> create, Action onCreated) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        if (!IsMissing(message))
        {
            return;
        }

        await create(message.CancellationToken);
        onCreated();
        message.Response.ContentStream?.Dispose();
        await ProcessNextAsync(message, pipeline);
    }

    // The app only calls the asynchronous APIs; a synchronous call passes through unchanged.
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);

    private bool IsMissing(HttpMessage message)
    {
        var response = message.Response;
        if (response.Status == 404)
        {
            return response.Headers.TryGetValue("x-ms-error-code", out var code) && code == missingErrorCode;
        }

        // An entity-group transaction reports the missing table inside its 202 multipart body.
        return response.Status == 202 && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) &&
               response.Content.ToString().Contains(missingErrorCode, StringComparison.Ordinal);
    }
}
