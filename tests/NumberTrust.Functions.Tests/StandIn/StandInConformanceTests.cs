using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using NumberTrust.Functions.Tests.Infrastructure;

namespace NumberTrust.Functions.Tests.StandIn;

/// <summary>
/// The stand-in may declare only what the real worker packages declare, with the same signatures, so code
/// that compiles against it compiles against the real packages too.
/// </summary>
public sealed class StandInConformanceTests
{
    private static readonly Assembly StandIn = typeof(FunctionAttribute).Assembly;

    private static readonly ApiList Api = ApiList.Load(RepoPaths.ApiList);

    /// <summary>What the function app and Program.cs use, as the real API list spells it.</summary>
    public static TheoryData<string, string> UsedMembers => new()
    {
        { "Microsoft.Azure.Functions.Worker.FunctionAttribute", "ctor(System.String name)" },
        { "Microsoft.Azure.Functions.Worker.HttpTriggerAttribute", "ctor(Microsoft.Azure.Functions.Worker.AuthorizationLevel authLevel, params System.String[] methods)" },
        { "Microsoft.Azure.Functions.Worker.HttpTriggerAttribute", "property System.String Route { get; set; }" },
        { "Microsoft.Azure.Functions.Worker.AuthorizationLevel", "Anonymous = 0" },
        { "Microsoft.Azure.Functions.Worker.AuthorizationLevel", "Function = 2" },
        { "Microsoft.Azure.Functions.Worker.TimerTriggerAttribute", "ctor(System.String schedule)" },
        { "Microsoft.Azure.Functions.Worker.TimerInfo", "property System.Boolean IsPastDue { get; set; }" },
        { "Microsoft.Azure.Functions.Worker.TimerInfo", "property Microsoft.Azure.Functions.Worker.ScheduleStatus ScheduleStatus { get; set; }" },
        { "Microsoft.Azure.Functions.Worker.ScheduleStatus", "property System.DateTime Last { get; set; }" },
        { "Microsoft.Azure.Functions.Worker.ScheduleStatus", "property System.DateTime Next { get; set; }" },
        { "Microsoft.Azure.Functions.Worker.QueueTriggerAttribute", "ctor(System.String queueName)" },
        { "Microsoft.Azure.Functions.Worker.QueueTriggerAttribute", "property System.String Connection { get; set; }" },
        { "Microsoft.Azure.Functions.Worker.FunctionContext", "abstract property Microsoft.Azure.Functions.Worker.BindingContext BindingContext { get; }" },
        { "Microsoft.Azure.Functions.Worker.FunctionContext", "property System.Threading.CancellationToken CancellationToken { get; }" },
        { "Microsoft.Azure.Functions.Worker.FunctionContext", "abstract property System.String InvocationId { get; }" },
        { "Microsoft.Azure.Functions.Worker.BindingContext", "abstract property System.Collections.Generic.IReadOnlyDictionary<System.String,System.Object> BindingData { get; }" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplication", "static Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder CreateBuilder(System.String[] args)" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder", "property Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder", "property Microsoft.Extensions.Configuration.ConfigurationManager Configuration { get; }" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder", "property Microsoft.Extensions.Hosting.IHostEnvironment Environment { get; }" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder", "property Microsoft.Extensions.Logging.ILoggingBuilder Logging { get; }" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder", "Microsoft.Extensions.Hosting.IHost Build()" },
        { "Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilderAspNetCoreExtensions", "static Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder builder)" },
    };

    [Fact]
    public void Stand_in_declares_only_types_and_members_of_the_real_worker_api()
    {
        var declared = StandIn.GetExportedTypes();

        var differences = Api.Differences(declared);

        Assert.True(
            differences.Count == 0,
            $"The stand-in differs from {RepoPaths.ApiList} in {differences.Count} place(s):\n  " + string.Join("\n  ", differences));
        Assert.True(declared.Length >= 15, $"Only {declared.Length} public types rendered from the stand-in; the check would be hollow.");
    }

    [Theory]
    [MemberData(nameof(UsedMembers))]
    public void Stand_in_declares_what_the_function_app_uses(string typeName, string memberLine)
    {
        Assert.True(Api.HasMember(typeName, memberLine), $"The expectation itself is not in the real API list: {typeName}: {memberLine}");
        var type = StandIn.GetType(typeName);
        Assert.True(type is not null, $"The stand-in does not declare {typeName}.");
        Assert.Contains(memberLine, ApiRenderer.MemberLines(type));
    }

    [Fact]
    public void Stand_in_fails_loudly_when_anything_runs_it()
    {
        var error = Assert.Throws<NotSupportedException>(() => FunctionsApplication.CreateBuilder([]));

        Assert.Contains("compile-only stand-in", error.Message, StringComparison.Ordinal);
        Assert.Contains("publishing against it is blocked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Api_list_copy_names_its_source()
    {
        var first = File.ReadLines(RepoPaths.ApiList).First();

        Assert.StartsWith("# Copied from shared/reference/functions-worker-api.txt", first, StringComparison.Ordinal);
    }
}
