namespace Microsoft.Azure.Functions.Worker;

// From Microsoft.Azure.Functions.Worker.Extensions.Abstractions.

public class FunctionAttribute : Attribute
{
    public FunctionAttribute(string name) => throw StandIn.Fail();

    public string Name => throw StandIn.Fail();
}
