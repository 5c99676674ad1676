namespace Microsoft.Azure.Functions.Worker.Middleware;

// From Microsoft.Azure.Functions.Worker.Core; needed by IFunctionsWorkerApplicationBuilder.Use.

public delegate Task FunctionExecutionDelegate(FunctionContext context);
