namespace NumberTrust.ScanRuns;

/// <summary>Where one job of an on-demand scan run stands.</summary>
public enum ScanJobStatus
{
    Queued,
    Done,
    Unknown,
    Failed,
}
