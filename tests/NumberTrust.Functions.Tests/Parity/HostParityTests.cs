using System.Reflection;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NumberTrust.Hosting;
using NumberTrust.Local;
using NumberTrust.Local.Queues;
using NumberTrust.Local.Scheduling;

namespace NumberTrust.Functions.Tests.Parity;

/// <summary>
/// The Functions app and the local host expose exactly the same HTTP routes (method + template), queue triggers and timer
/// schedules. The Functions assembly is read from its build output through <see cref="CustomAttributeData"/> (attribute
/// constructors of the compile-only stand-in throw, and its worker references must not meet this test's).
/// </summary>
public sealed class HostParityTests
{
    private static readonly Lazy<FunctionsManifest> Functions = new(FunctionsManifest.Load);

    [Fact]
    public void Http_routes_match_method_for_method()
    {
        var local = LocalEndpoints()
            .Where(e => !e.Template.StartsWith("openapi/", StringComparison.Ordinal))
            .Select(e => $"{e.Method} {e.Template}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var functions = Functions.Value.Http.Select(h => $"{h.Method} {ApiRoutes.Prefix}/{h.Route}").Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(functions);
        Assert.Equal(functions, local);
    }

    [Fact]
    public void Queue_triggers_match_the_local_listeners()
    {
        using var app = BuildLocalHost();
        var listeners = app.Services.GetServices<IHostedService>().OfType<QueueListener>().Select(l => l.QueueName).Order(StringComparer.Ordinal).ToList();
        var functions = Functions.Value.Queues.Select(q => q.Queue).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(functions);
        Assert.Equal(functions, listeners);
        Assert.Equal(
            Functions.Value.Queues.Select(q => $"{q.Function}:{q.Queue}").Order(StringComparer.Ordinal),
            FunctionCatalog.QueueFunctions.Select(q => $"{q.Name}:{q.QueueName}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Timer_schedules_match_the_local_timers()
    {
        using var app = BuildLocalHost();
        var runners = app.Services.GetServices<IHostedService>().OfType<TimerRunner>().Count();
        var functions = Functions.Value.Timers.Select(t => $"{t.Function}:{t.Schedule}").Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(functions);
        Assert.Equal(functions.Count, runners);
        Assert.Equal(functions, FunctionCatalog.TimerFunctions.Select(t => $"{t.Name}:%{t.ScheduleSetting}%").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_http_function_uses_function_keys_except_health()
    {
        foreach (var http in Functions.Value.Http)
        {
            var expected = http.Route == ApiRoutes.Health ? 0 : 2; // Anonymous, Function
            Assert.True(expected == http.AuthLevel, $"{http.Function} ({http.Route}) has authorization level {http.AuthLevel}.");
        }
    }

    private static WebApplication BuildLocalHost()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        builder.Configuration["Local:StartAzurite"] = "false";
        builder.AddNumberTrustLocalHost();
        var app = builder.Build();
        app.UseNumberTrustLocalHost();
        return app;
    }

    private static List<(string Method, string Template)> LocalEndpoints()
    {
        using var app = BuildLocalHost();
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (m.ToUpperInvariant(), e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();
    }

    private sealed record HttpFunction(string Function, string Method, string Route, int AuthLevel);

    private sealed record QueueFunctionInfo(string Function, string Queue);

    private sealed record TimerFunctionInfo(string Function, string Schedule);

    private sealed record FunctionsManifest(List<HttpFunction> Http, List<QueueFunctionInfo> Queues, List<TimerFunctionInfo> Timers)
    {
        public static FunctionsManifest Load()
        {
            var path = typeof(HostParityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsAssembly").Value!;
            Assert.True(File.Exists(path), $"The Functions app was not built at {path}.");
            var context = new IsolatedContext(path);
            var assembly = context.LoadFromAssemblyPath(path);
            var manifest = new FunctionsManifest([], [], []);
            foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
            {
                var function = method.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.Name == "FunctionAttribute");
                if (function is null)
                {
                    continue;
                }

                var name = (string)function.ConstructorArguments[0].Value!;
                foreach (var trigger in method.GetParameters().SelectMany(p => p.GetCustomAttributesData()))
                {
                    switch (trigger.AttributeType.Name)
                    {
                        case "HttpTriggerAttribute":
                            var level = trigger.ConstructorArguments.FirstOrDefault(a => a.ArgumentType.Name == "AuthorizationLevel").Value as int? ?? 0;
                            var methods = trigger.ConstructorArguments.Where(a => a.ArgumentType == typeof(string[]) || a.ArgumentType.IsArray)
                                .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.Value!).Select(v => ((string)v.Value!).ToUpperInvariant());
                            var route = (string)trigger.NamedArguments.Single(n => n.MemberName == "Route").TypedValue.Value!;
                            manifest.Http.AddRange(methods.Select(m => new HttpFunction(name, m, route, level)));
                            break;
                        case "QueueTriggerAttribute":
                            manifest.Queues.Add(new QueueFunctionInfo(name, (string)trigger.ConstructorArguments[0].Value!));
                            break;
                        case "TimerTriggerAttribute":
                            manifest.Timers.Add(new TimerFunctionInfo(name, (string)trigger.ConstructorArguments[0].Value!));
                            break;
                    }
                }
            }

            return manifest;
        }
    }

    /// <summary>Loads the Functions app and its dependencies from its own output folder, apart from this test's assemblies.</summary>
    private sealed class IsolatedContext(string mainAssembly) : AssemblyLoadContext("functions-app", isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = _resolver.ResolveAssemblyToPath(assemblyName);
            if (path is not null)
            {
                return LoadFromAssemblyPath(path);
            }

            var local = Path.Combine(Path.GetDirectoryName(mainAssembly)!, assemblyName.Name + ".dll");
            return File.Exists(local) ? LoadFromAssemblyPath(local) : null;
        }
    }
}
