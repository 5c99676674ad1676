using NumberTrust.Functions.Tests.StandIn.Samples;

namespace NumberTrust.Functions.Tests.StandIn;

/// <summary>
/// The conformance check is only as good as the renderer: these pin its output on declarations shaped like
/// the real API (and a parsed list that disagrees), so the check cannot pass by rendering nothing or the wrong thing.
/// </summary>
public sealed class ApiRendererTests
{
    private const string Ns = "NumberTrust.Functions.Tests.StandIn.Samples";

    public static TheoryData<Type, string> TypeLines => new()
    {
        { typeof(SampleBinding), $"abstract class {Ns}.SampleBinding : System.Attribute, System.IComparable, System.IDisposable" },
        { typeof(SampleBinding.Inner), $"sealed class {Ns}.SampleBinding+Inner" },
        { typeof(SampleBinding.Level), $"enum {Ns}.SampleBinding+Level : System.IComparable, System.IConvertible, System.IFormattable, System.ISpanFormattable" },
        { typeof(SampleExtensions), $"static class {Ns}.SampleExtensions" },
        { typeof(SampleDelegate), $"sealed class {Ns}.SampleDelegate : System.MulticastDelegate, System.ICloneable, System.Runtime.Serialization.ISerializable" },
        { typeof(ISample<>), $"interface {Ns}.ISample<T> : System.Collections.Generic.IEnumerable<T>, System.Collections.IEnumerable" },
        { typeof(SampleValue), $"struct {Ns}.SampleValue" },
        { typeof(SampleOptions), $"class {Ns}.SampleOptions" },
    };

    [Theory]
    [MemberData(nameof(TypeLines))]
    public void Renders_type_lines_like_the_api_list(Type type, string expected) =>
        Assert.Equal(expected, ApiRenderer.TypeLine(type));

    [Fact]
    public void Renders_constructors_properties_and_methods_like_the_api_list()
    {
        Assert.Equal(
            new[]
            {
                "ctor(System.String name, params System.Int32[] values)",
                "abstract property System.Collections.Generic.IReadOnlyDictionary<System.String,System.Object> Data { get; }",
                "static property System.Boolean Flag { get; set; }",
                "property System.Nullable<System.Int32> Count { get; }",
                "abstract System.Void Dispose()",
                "System.Int32 CompareTo(System.Object obj)",
                "T Get<T>(System.Object& value, System.Threading.CancellationToken cancellationToken = null)",
                "System.Void Configure<TBuilder,TOptions>(System.Action<TBuilder,TOptions> configure)",
            }.Order(StringComparer.Ordinal),
            ApiRenderer.MemberLines(typeof(SampleBinding)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Renders_extension_methods_delegates_enums_and_interface_members_like_the_api_list()
    {
        Assert.Equal(
            [$"static System.String Describe(this {Ns}.SampleBinding sample, System.Action<System.String> log = null)"],
            ApiRenderer.MemberLines(typeof(SampleExtensions)));
        Assert.Equal(
            new[]
            {
                "ctor(System.Object object, System.IntPtr method)",
                "System.Threading.Tasks.Task Invoke(System.String input)",
                "System.IAsyncResult BeginInvoke(System.String input, System.AsyncCallback callback, System.Object object)",
                "System.Threading.Tasks.Task EndInvoke(System.IAsyncResult result)",
            }.Order(StringComparer.Ordinal),
            ApiRenderer.MemberLines(typeof(SampleDelegate)).Order(StringComparer.Ordinal));
        Assert.Equal(["Low = 1", "High = 4", "Default = 1"], ApiRenderer.MemberLines(typeof(SampleBinding.Level)));
        Assert.Equal(["abstract property T Current { get; }"], ApiRenderer.MemberLines(typeof(ISample<>)));
        Assert.Equal(["ctor()"], ApiRenderer.MemberLines(typeof(SampleBinding.Inner)));
        Assert.Equal(
            new[] { "ctor()", "property System.String Connection { get; set; }", "field System.Int32 Limit", "event System.EventHandler Changed" }
                .Order(StringComparer.Ordinal),
            ApiRenderer.MemberLines(typeof(SampleOptions)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lists_every_difference_between_declared_types_and_the_list()
    {
        var list = ApiList.Parse(
        [
            "# header lines and assembly lines are comments",
            "## assembly Sample 1.0.0.0",
            $"struct {Ns}.SampleValue",
            "  ctor(System.Int64 x)",
            $"class {Ns}.SampleOptions : System.Attribute",
            "  ctor()",
            "  property System.String Connection { get; set; }",
            "  field System.Int32 Limit",
            "  event System.EventHandler Changed",
        ]);

        var differences = list.Differences([typeof(SampleValue), typeof(SampleOptions), typeof(SampleExtensions)]);

        Assert.Equal(
            new[]
            {
                $"member not listed under {Ns}.SampleValue: ctor(System.Int32 x)",
                $"type line differs: declared 'class {Ns}.SampleOptions', listed 'class {Ns}.SampleOptions : System.Attribute'",
                $"type not in the API list: static class {Ns}.SampleExtensions",
            }.Order(StringComparer.Ordinal),
            differences.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reads_the_real_api_list_into_types_and_members()
    {
        var list = ApiList.Load(Infrastructure.RepoPaths.ApiList);

        Assert.True(list.TypeCount > 100, $"Only {list.TypeCount} types read from {Infrastructure.RepoPaths.ApiList}.");
        Assert.True(list.HasMember("Microsoft.Azure.Functions.Worker.HttpTriggerAttribute",
            "ctor(Microsoft.Azure.Functions.Worker.AuthorizationLevel authLevel, params System.String[] methods)"));
        // Declared by two real assemblies with different members: both sets count.
        Assert.True(list.HasMember("Microsoft.Extensions.DependencyInjection.ServiceCollectionExtensions",
            "static Microsoft.Azure.Functions.Worker.IFunctionsWorkerApplicationBuilder AddFunctionsWorkerCore(this Microsoft.Extensions.DependencyInjection.IServiceCollection services, System.Action<Microsoft.Azure.Functions.Worker.WorkerOptions> configure = null)"));
        Assert.True(list.HasMember("Microsoft.Extensions.DependencyInjection.ServiceCollectionExtensions",
            "static Microsoft.Azure.Functions.Worker.IFunctionsWorkerApplicationBuilder AddFunctionsWorkerDefaults(this Microsoft.Extensions.DependencyInjection.IServiceCollection services, System.Action<Microsoft.Azure.Functions.Worker.WorkerOptions> configure = null)"));
        Assert.False(list.Contains("Microsoft.Azure.Functions.Worker.NoSuchType"));
    }
}
