using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using System.Text.Json;
using NumberTrust.Functions.Tests.Infrastructure;

namespace NumberTrust.Functions.Tests.Publish;

/// <summary>One function as the Functions host reads it from functions.metadata.</summary>
public sealed record PublishedFunction(string Name, string EntryPoint, JsonElement Trigger)
{
    public string TriggerType => Trigger.GetProperty("type").GetString()!;

    public string? Route => Trigger.TryGetProperty("route", out var r) ? r.GetString() : null;

    public IReadOnlyList<string> Methods => Trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [];

    public string? AuthLevel => Trigger.TryGetProperty("authLevel", out var a) ? a.GetString() : null;

    public string? QueueName => Trigger.TryGetProperty("queueName", out var q) ? q.GetString() : null;

    public string? Schedule => Trigger.TryGetProperty("schedule", out var s) ? s.GetString() : null;
}

/// <summary>
/// The Functions app published as a deployment package (<c>dotnet publish --no-build</c> of this build's output) into a temporary
/// folder, once per test run: its functions.metadata, its extensions.json and its assembly, loaded apart from this test's own.
/// </summary>
public sealed class PublishedApp : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private AssemblyLoadContext? _context;

    public string Folder => _folder.Path;

    public IReadOnlyList<PublishedFunction> Functions { get; private set; } = [];

    public JsonElement Extensions { get; private set; }

    public Assembly Assembly { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var publish = await DotnetProcess.DotnetAsync(
            ["publish", RepoPaths.FunctionsProject, "-c", RepoPaths.BuildConfiguration, "--no-build", "--nologo", "-o", _folder.Path],
            new Dictionary<string, string>(),
            TimeSpan.FromMinutes(10));
        Assert.True(publish.ExitCode == 0, "dotnet publish of the Functions app failed: " + publish);

        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder.Path, "functions.metadata")));
        Functions = metadata.RootElement.EnumerateArray().Select(f => new PublishedFunction(
            f.GetProperty("name").GetString()!,
            f.GetProperty("entryPoint").GetString()!,
            f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).Clone()))
            .ToList();
        using var extensions = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder.Path, "extensions.json")));
        Extensions = extensions.RootElement.Clone();

        var main = Path.Combine(_folder.Path, "NumberTrust.Functions.dll");
        _context = new IsolatedContext(main);
        Assembly = _context.LoadFromAssemblyPath(main);
    }

    public Task DisposeAsync()
    {
        _context?.Unload();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The method a function's entry point names.</summary>
    public MethodInfo EntryPoint(PublishedFunction function)
    {
        var cut = function.EntryPoint.LastIndexOf('.');
        var type = Assembly.GetType(function.EntryPoint[..cut], throwOnError: true)!;
        return type.GetMethod(function.EntryPoint[(cut + 1)..], BindingFlags.Public | BindingFlags.Instance)
               ?? throw new InvalidOperationException($"{function.EntryPoint} is not a public instance method.");
    }

    /// <summary>The string constants a method's body loads (its <c>ldstr</c> operands): what it passes to the shared tables.</summary>
    public static IReadOnlyList<string> StringsLoadedBy(MethodInfo method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        var strings = new List<string>();
        for (var i = 0; i < il.Length; i++)
        {
            // A string token's top byte is 0x70 (the user-string heap); other bytes equal to ldstr's opcode are operands.
            if (il[i] == OpCodes.Ldstr.Value && i + 4 < il.Length && il[i + 4] == 0x70)
            {
                strings.Add(method.Module.ResolveString(BitConverter.ToInt32(il, i + 1)));
                i += 4;
            }
        }

        return strings;
    }

    /// <summary>Loads the Functions app and its dependencies from the publish folder, apart from this test's assemblies.</summary>
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

[CollectionDefinition(Name)]
public sealed class PublishedAppCollection : ICollectionFixture<PublishedApp>
{
    public const string Name = "published app";
}
