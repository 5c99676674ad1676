using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

// From Microsoft.Azure.Functions.Worker.Extensions.Timer.

public sealed class TimerTriggerAttribute : TriggerBindingAttribute
{
    public TimerTriggerAttribute(string schedule) => throw StandIn.Fail();

    public bool RunOnStartup
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }

    public string Schedule => throw StandIn.Fail();

    public bool UseMonitor
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }
}

public class TimerInfo
{
    public TimerInfo() => throw StandIn.Fail();

    public bool IsPastDue
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }

    // Null when the trigger runs without a schedule monitor, so callers must handle it.
    public ScheduleStatus? ScheduleStatus
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }
}

public class ScheduleStatus
{
    public ScheduleStatus() => throw StandIn.Fail();

    public DateTime Last
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }

    public DateTime LastUpdated
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }

    public DateTime Next
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }
}
