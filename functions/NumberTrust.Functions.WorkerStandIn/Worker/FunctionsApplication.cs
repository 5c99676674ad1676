using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.Functions.Worker.Builder;

// From Microsoft.Azure.Functions.Worker. The real FunctionsApplication is a non-static class with
// a public parameterless constructor, which C# gives this declaration too.

public class FunctionsApplication
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args) => throw StandIn.Fail();
}

public class FunctionsApplicationBuilder : IFunctionsWorkerApplicationBuilder, IHostApplicationBuilder
{
    internal FunctionsApplicationBuilder() => throw StandIn.Fail();

    public ConfigurationManager Configuration => throw StandIn.Fail();

    // The real class exposes the concrete ConfigurationManager and satisfies the interface explicitly.
    IConfigurationManager IHostApplicationBuilder.Configuration => Configuration;

    public IHostEnvironment Environment => throw StandIn.Fail();

    public ILoggingBuilder Logging => throw StandIn.Fail();

    public IMetricsBuilder Metrics => throw StandIn.Fail();

    public IDictionary<object, object> Properties => throw StandIn.Fail();

    public IServiceCollection Services => throw StandIn.Fail();

    public IHost Build() => throw StandIn.Fail();

    public void ConfigureContainer<TContainerBuilder>(
        IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
        where TContainerBuilder : notnull =>
        throw StandIn.Fail();

    public IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware) =>
        throw StandIn.Fail();
}
