using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.ScanRuns;

/// <summary>The job rows of on-demand scan runs: one per platform and number, so progress is one partition query.</summary>
public sealed class ScanRunStore(StorageAccount storage)
{
    public static string JobRow(string platform, string number) => $"{ScanRunEntity.JobRowPrefix}{platform}|{number}";

    /// <summary>The row of a job that has been enqueued but not answered yet.</summary>
    public static TableEntity QueuedRow(string runId, string platform, string number) => Row(runId, platform, number, ScanJobStatus.Queued, null);

    /// <summary>
    /// Records a job's outcome (or its reschedule) on its run: <paramref name="shared"/> when it was answered from another job's
    /// observation, <paramref name="observedAt"/> when that observation (or the job's own) was read.
    /// </summary>
    public Task RecordAsync(
        string runId, string platform, string number, ScanJobStatus status, string? detail, CancellationToken cancellationToken, bool shared = false,
        DateTimeOffset? observedAt = null)
    {
        var row = Row(runId, platform, number, status, detail);
        row["Shared"] = shared;
        row["ObservedAt"] = observedAt;
        return storage.Table(TableNames.ScanRuns).UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    private static TableEntity Row(string runId, string platform, string number, ScanJobStatus status, string? detail) => new(runId, JobRow(platform, number))
    {
        ["Platform"] = platform,
        ["Number"] = number,
        ["Status"] = status.ToString(),
        ["Detail"] = detail is { Length: > 300 } ? detail[..300] : detail,
    };
}
