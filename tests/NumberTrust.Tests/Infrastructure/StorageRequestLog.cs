using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using NumberTrust.Storage;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>Records the storage requests a host makes (method and URI); register it with <c>new StoragePipelinePolicy(log)</c>.</summary>
public sealed class StorageRequestLog : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<(string Method, string Uri)> _requests = new();

    public void Clear() => _requests.Clear();

    public IReadOnlyList<(string Method, string Uri)> Matching(string fragment) =>
        _requests.Where(r => r.Uri.Contains(fragment, StringComparison.Ordinal)).ToList();

    /// <summary>The table requests under a storage prefix (the host's queue listeners poll all along).</summary>
    public IReadOnlyList<(string Method, string Uri)> Tables(string prefix) =>
        _requests.Where(r => TableNames.All.Any(t => r.Uri.Contains("/" + prefix + t, StringComparison.Ordinal))).ToList();

    public override void OnSendingRequest(HttpMessage message) =>
        _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.ToString()));
}
