namespace Microsoft.Azure.Functions.Worker;

/// <summary>The single failure every stand-in body raises, so misuse always explains itself.</summary>
internal static class StandIn
{
    public const string Message =
        "NumberTrust.Functions.WorkerStandIn is a compile-only stand-in for the Azure Functions worker packages, " +
        "selected because they could not be restored on this machine. It cannot run, and publishing against it is blocked. " +
        "Build on a machine whose NuGet source serves the worker packages (see docs/functions-worker.md).";

    public static NotSupportedException Fail() => new(Message);
}
