namespace Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// From Microsoft.Azure.Functions.Worker.Extensions.Abstractions. Declared because the trigger
// attributes derive from them and their type lines in the API list name these bases.

public abstract class BindingAttribute : Attribute
{
    public BindingAttribute() => throw StandIn.Fail();
}

public abstract class TriggerBindingAttribute : BindingAttribute
{
    public TriggerBindingAttribute() => throw StandIn.Fail();
}
