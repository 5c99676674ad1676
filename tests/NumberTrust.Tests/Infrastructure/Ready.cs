using NumberTrust.Storage;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>Storage readiness that has already been signalled, for listeners and timers built without a host.</summary>
public static class Ready
{
    public static StorageReadiness Storage()
    {
        var readiness = new StorageReadiness();
        readiness.MarkReady();
        return readiness;
    }
}
