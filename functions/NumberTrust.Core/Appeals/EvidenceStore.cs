using Azure;
using Azure.Storage.Blobs.Models;
using NumberTrust.Storage;

namespace NumberTrust.Appeals;

/// <summary>
/// Evidence files in the <c>appeal-evidence</c> container, one blob per upload named <c>{tenant}/{appeal}/{kind}/{sha256}</c>:
/// a new upload never overwrites the blob the appeal row points at, so a failed row update leaves at most an orphan, never a
/// row whose hash does not match its file.
/// </summary>
public sealed class EvidenceStore(StorageAccount storage)
{
    public static string BlobName(string tenantId, string appealId, string kind, string sha256) => $"{tenantId}/{appealId}/{kind}/{sha256}";

    public async Task UploadAsync(string blobName, byte[] content, string contentType, CancellationToken cancellationToken) =>
        await storage.Container(ContainerNames.Evidence).GetBlobClient(blobName).UploadAsync(
            new BinaryData(content), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);

    public async Task<Stream?> OpenAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Container(ContainerNames.Evidence).GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes every blob of the appeal, including orphans of uploads whose row update failed.</summary>
    public async Task DeleteAppealAsync(string tenantId, string appealId, CancellationToken cancellationToken)
    {
        var container = storage.Container(ContainerNames.Evidence);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{tenantId}/{appealId}/" }, cancellationToken))
        {
            await container.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    public async Task DeleteAsync(string blobName, CancellationToken cancellationToken) =>
        await storage.Container(ContainerNames.Evidence).GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
