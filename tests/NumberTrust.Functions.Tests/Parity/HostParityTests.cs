using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NumberTrust.Hosting;
using NumberTrust.Local.Queues;
using NumberTrust.Local.Scheduling;

namespace NumberTrust.Functions.Tests.Parity;

/// <summary>The local host serves and runs exactly the functions of the shared tables, through the same Core entry points.</summary>
public sealed class HostParityTests
{
    [Fact]
    public void Local_endpoints_are_the_endpoint_table_with_the_same_route_methods_and_handler()
    {
        using var app = LocalHostApp.Build();
        var local = LocalHostApp.ApiEndpoints(app).Select(Describe).Order(StringComparer.Ordinal).ToList();
        var table = ApiEndpointTable.Build(app.Services).Values.Select(Describe).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(table);
        Assert.Equal(table, local);
        Assert.All(local, d => Assert.DoesNotContain("(none)", d, StringComparison.Ordinal));
    }

    [Fact]
    public void Local_queue_listeners_are_the_function_table_queue_functions()
    {
        using var app = LocalHostApp.Build();
        var listeners = app.Services.GetServices<IHostedService>().OfType<QueueListener>().Select(l => $"{l.FunctionName}:{l.QueueName}").Order(StringComparer.Ordinal);

        Assert.Equal(FunctionTable.Queues.Select(f => $"{f.Name}:{f.QueueName}").Order(StringComparer.Ordinal), listeners);
    }

    [Fact]
    public void Local_timers_are_the_function_table_timer_functions()
    {
        using var app = LocalHostApp.Build();
        var timers = app.Services.GetServices<IHostedService>().OfType<TimerRunner>().Select(t => t.FunctionName).Order(StringComparer.Ordinal);

        Assert.Equal(FunctionTable.Timers.Select(f => f.Name).Order(StringComparer.Ordinal), timers);
    }

    [Fact]
    public void Every_function_name_is_used_exactly_once()
    {
        using var app = LocalHostApp.Build();
        var used = LocalHostApp.ApiEndpoints(app).Select(LocalHostApp.NameOf)
            .Concat(FunctionTable.Queues.Select(f => f.Name))
            .Concat(FunctionTable.Timers.Select(f => f.Name))
            .ToList();
        var declared = typeof(FunctionNames).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(used.Count, used.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(declared.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    private static string Describe(Microsoft.AspNetCore.Routing.RouteEndpoint e) =>
        $"{LocalHostApp.NameOf(e)} {string.Join(",", LocalHostApp.MethodsOf(e))} {LocalHostApp.RouteOf(e)} -> {LocalHostApp.HandlerOf(e)}";
}
