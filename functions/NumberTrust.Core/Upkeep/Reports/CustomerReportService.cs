using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using NumberTrust.Notifications;
using NumberTrust.Numbers;
using NumberTrust.ScanRuns;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.Reports;

/// <summary>A customer's report, checked: where the label was seen, its text and an optional screenshot (sniffed PNG or JPEG).</summary>
public sealed record CustomerReportInput(CanonicalNumber Number, string Brand, string LabelText, byte[]? Screenshot, string? ScreenshotType);

/// <summary>
/// Records a customer report for a number the tenant has registered: the screenshot blob, the report row, an immediate scan and
/// <c>upkeep.customer_report</c>. A number the tenant does not have is dropped silently, so the answer never tells them apart.
/// </summary>
public sealed class CustomerReportService(StorageAccount storage, NumberStore numbers, ScanRunService scans, EventPublisher events, TimeProvider time)
{
    public async Task RecordAsync(string tenantId, string linkId, CustomerReportInput input, CancellationToken cancellationToken)
    {
        var registration = await numbers.FindAsync(tenantId, input.Number.E164, cancellationToken);
        if (registration is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var id = "cr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string? blob = null;
        if (input.Screenshot is { } bytes)
        {
            blob = $"{tenantId}/{id}";
            await storage.Container(ContainerNames.CustomerReports).GetBlobClient(blob).UploadAsync(
                new BinaryData(bytes), new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = input.ScreenshotType } },
                cancellationToken);
        }

        // Newest first in the tenant's partition.
        await storage.Table(TableNames.UpkeepReports).AddEntityAsync(new TableEntity(tenantId, $"report|{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}|{id}")
        {
            ["Number"] = input.Number.E164,
            ["Brand"] = input.Brand,
            ["LabelText"] = input.LabelText,
            ["LinkId"] = linkId,
            ["Screenshot"] = blob,
            ["ScreenshotSha256"] = input.Screenshot is { } s ? Convert.ToHexStringLower(SHA256.HashData(s)) : null,
            ["ReceivedAt"] = now,
        }, cancellationToken);

        var run = await scans.StartNumberScanAsync(tenantId, input.Number, registration, cancellationToken);
        await events.PublishAsync(new NotificationEvent(
            NotificationEvent.CurrentVersion, $"customer-report:{id}", EventTypes.CustomerReport, now, input.Number.E164, TenantId: tenantId,
            Data: new JsonObject
            {
                ["reportId"] = id,
                ["brand"] = input.Brand,
                ["labelText"] = input.LabelText,
                ["screenshot"] = blob is not null,
                ["scanId"] = run.PartitionKey,
            }), cancellationToken);
    }
}
