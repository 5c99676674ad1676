using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Azure.Functions.Worker;

// From Microsoft.Azure.Functions.Worker.Core; FunctionsApplicationBuilder implements it, and its
// type line in the API list names it.

public interface IFunctionsWorkerApplicationBuilder
{
    IServiceCollection Services { get; }

    IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware);
}
