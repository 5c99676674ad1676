using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

// From Microsoft.Azure.Functions.Worker.Extensions.Http (a dependency of the Http.AspNetCore package).
// All four constructors are declared so overload resolution picks the same one as against the real
// attribute; note that the methods-only constructor leaves AuthLevel at Anonymous there.

public enum AuthorizationLevel
{
    Anonymous = 0,
    User = 1,
    Function = 2,
    System = 3,
    Admin = 4,
}

public sealed class HttpTriggerAttribute : TriggerBindingAttribute
{
    public HttpTriggerAttribute() => throw StandIn.Fail();

    public HttpTriggerAttribute(params string[] methods) => throw StandIn.Fail();

    public HttpTriggerAttribute(AuthorizationLevel authLevel) => throw StandIn.Fail();

    public HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods) => throw StandIn.Fail();

    public AuthorizationLevel AuthLevel => throw StandIn.Fail();

    public string[]? Methods => throw StandIn.Fail();

    public string? Route
    {
        get => throw StandIn.Fail();
        set => throw StandIn.Fail();
    }
}
