namespace Microsoft.Azure.Functions.Worker;

// From Microsoft.Azure.Functions.Worker.Core. Only the members the function app reads are declared;
// the constructors are internal so nothing can derive from this partial shape and then fail to
// compile against the real, larger abstract class.

public abstract class FunctionContext
{
    internal FunctionContext() => throw StandIn.Fail();

    public abstract BindingContext BindingContext { get; }

    public CancellationToken CancellationToken => throw StandIn.Fail();

    public abstract string InvocationId { get; }
}

public abstract class BindingContext
{
    internal BindingContext() => throw StandIn.Fail();

    public abstract IReadOnlyDictionary<string, object?> BindingData { get; }
}
