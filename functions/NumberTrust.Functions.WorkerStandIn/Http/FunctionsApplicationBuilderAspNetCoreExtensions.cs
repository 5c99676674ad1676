namespace Microsoft.Azure.Functions.Worker.Builder;

// From Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore.

public static class FunctionsApplicationBuilderAspNetCoreExtensions
{
    public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this FunctionsApplicationBuilder builder) =>
        throw StandIn.Fail();
}
