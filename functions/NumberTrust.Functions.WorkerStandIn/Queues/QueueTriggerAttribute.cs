using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

// From Microsoft.Azure.Functions.Worker.Extensions.Storage.Queues.

public sealed class QueueTriggerAttribute : TriggerBindingAttribute
{
    public QueueTriggerAttribute(string queueName) => throw StandIn.Fail();

    public string? Connection
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }

    public string QueueName => throw StandIn.Fail();
}
