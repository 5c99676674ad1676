using NumberTrust.Functions.Tests.Parity;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Tests.Publish;

/// <summary>
/// The deployment package: functions.metadata lists every function with the trigger, route, methods, auth level, queue and
/// schedule the local host uses for it (read from the same tables), extensions.json loads the storage-queues extension, and each
/// trigger method hands its request or message to the table entry of its own name.
/// </summary>
[Collection(PublishedAppCollection.Name)]
public sealed class PublishOutputTests(PublishedApp app)
{
    [Fact]
    public void Every_function_of_the_tables_is_published_and_nothing_else()
    {
        using var local = LocalHostApp.Build();
        var expected = LocalHostApp.ApiEndpoints(local).Select(LocalHostApp.NameOf)
            .Concat(FunctionTable.Queues.Select(f => f.Name))
            .Concat(FunctionTable.Timers.Select(f => f.Name))
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, app.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Http_functions_have_the_route_and_methods_of_the_local_endpoint_of_their_name()
    {
        using var local = LocalHostApp.Build();
        var endpoints = LocalHostApp.ApiEndpoints(local).ToDictionary(LocalHostApp.NameOf);
        var http = app.Functions.Where(f => f.TriggerType == "httpTrigger").ToList();

        Assert.Equal(endpoints.Count, http.Count);
        foreach (var function in http)
        {
            var endpoint = endpoints[function.Name];
            Assert.Equal($"{ApiRoutes.Prefix}/{function.Route}", LocalHostApp.RouteOf(endpoint));
            Assert.Equal(LocalHostApp.MethodsOf(endpoint), function.Methods.Order(StringComparer.Ordinal).ToList());
        }
    }

    [Fact]
    public void No_http_function_but_health_is_anonymous()
    {
        foreach (var function in app.Functions.Where(f => f.TriggerType == "httpTrigger"))
        {
            var expected = function.Name is FunctionNames.GetHealth or FunctionNames.PostPublicReport ? "Anonymous" : "Function";
            Assert.True(expected == function.AuthLevel, $"{function.Name} ({function.Route}) has authorization level {function.AuthLevel}.");
        }
    }

    [Fact]
    public void Queue_functions_listen_on_the_queue_of_their_table_entry()
    {
        var queues = app.Functions.Where(f => f.TriggerType == "queueTrigger").ToDictionary(f => f.Name, f => f.QueueName);

        Assert.Equal(FunctionTable.Queues.ToDictionary(f => f.Name, f => (string?)f.QueueName).OrderBy(p => p.Key), queues.OrderBy(p => p.Key));
    }

    [Fact]
    public void Timer_functions_use_the_schedule_setting_of_their_table_entry()
    {
        var timers = app.Functions.Where(f => f.TriggerType == "timerTrigger").ToDictionary(f => f.Name, f => f.Schedule);

        Assert.Equal(FunctionTable.Timers.ToDictionary(f => f.Name, f => (string?)f.ScheduleExpression).OrderBy(p => p.Key), timers.OrderBy(p => p.Key));
    }

    [Fact]
    public void Extensions_json_loads_the_storage_queues_extension()
    {
        var names = app.Extensions.GetProperty("extensions").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();

        Assert.Contains("AzureStorageQueues", names);
        Assert.True(File.Exists(Path.Combine(app.Folder, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll")));
    }

    [Fact]
    public void Every_trigger_method_runs_the_table_entry_of_its_own_name()
    {
        foreach (var function in app.Functions)
        {
            var loaded = PublishedApp.StringsLoadedBy(app.EntryPoint(function));
            Assert.True(loaded.Contains(function.Name), $"{function.EntryPoint} does not pass its own name '{function.Name}' (it loads: {string.Join(", ", loaded)}).");
            Assert.True(loaded.Count(s => typeof(FunctionNames).GetFields().Any(f => (string)f.GetRawConstantValue()! == s)) == 1, $"{function.EntryPoint} names more than one function.");
        }
    }
}
