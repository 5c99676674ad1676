using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>infra/main.bicep compiled once per test run by the real bicep CLI.</summary>
public sealed partial class CompiledTemplate : IAsyncLifetime
{
    private ProcessResult? _build;
    private JObject? _template;

    internal ProcessResult Build => _build ?? throw new InvalidOperationException("Not built yet.");

    /// <summary>The ARM template, or a failure that shows the bicep output.</summary>
    public JObject Template => _template
        ?? throw new InvalidOperationException($"bicep build of infra/main.bicep produced no template: {Build}");

    public DeploymentScope Root => new(Template, PassedParameters: null, Parent: null, DeploymentName: null, Condition: null);

    public async Task InitializeAsync()
    {
        _build = await BicepCli.RunAsync("build", RepoPaths.MainBicep, "--stdout");
        if (_build.ExitCode == 0 && _build.StandardOutput.TrimStart().StartsWith('{'))
        {
            _template = JObject.Parse(_build.StandardOutput);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Every resource the template and its module deployments declare; references to existing
    /// resources (which language version 2.0 lists too) are left out.
    /// </summary>
    public IEnumerable<TemplateResource> Resources() => ResourcesIn(Root);

    public IReadOnlyList<TemplateResource> ResourcesOfType(string type) =>
        Resources().Where(r => string.Equals((string?)r.Resource["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    public TemplateResource Single(string type)
    {
        var matches = ResourcesOfType(type);
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"Expected one {type} in the compiled template, found {matches.Count}.");
    }

    /// <summary>The module deployment with this name (the Bicep module's `name:`).</summary>
    public DeploymentScope Module(string deploymentName) =>
        ModulesIn(Root).SingleOrDefault(m => m.DeploymentName == deploymentName)
        ?? throw new InvalidOperationException($"No module deployment named '{deploymentName}'.");

    /// <summary>
    /// If <paramref name="expression"/> reads a module output (reference(... deployments, 'name') ... .outputs.x.value),
    /// the module name and output name.
    /// </summary>
    public static (string Module, string Output)? ModuleOutputReference(JToken? expression)
    {
        var match = ModuleOutputPattern().Match((string?)expression ?? "");
        return match.Success ? (match.Groups["module"].Value, match.Groups["output"].Value) : null;
    }

    /// <summary>The value expression of the module output that <paramref name="expression"/> reads.</summary>
    public string? ModuleOutputValue(JToken? expression) =>
        ModuleOutputReference(expression) is { } reference
            ? (string?)Module(reference.Module).Template["outputs"]?[reference.Output]?["value"]
            : null;

    private static IEnumerable<TemplateResource> ResourcesIn(DeploymentScope scope)
    {
        foreach (var resource in ResourceList(scope.Template).Where(r => r["existing"]?.Value<bool>() != true))
        {
            yield return new TemplateResource(resource, scope);
            if (ChildScope(resource, scope) is { } child)
            {
                foreach (var nested in ResourcesIn(child))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<DeploymentScope> ModulesIn(DeploymentScope scope)
    {
        foreach (var resource in ResourceList(scope.Template))
        {
            if (ChildScope(resource, scope) is { } child)
            {
                yield return child;
                foreach (var nested in ModulesIn(child))
                {
                    yield return nested;
                }
            }
        }
    }

    private static DeploymentScope? ChildScope(JObject resource, DeploymentScope scope) =>
        (string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JObject template
            ? new DeploymentScope(
                template,
                resource["properties"]?["parameters"] as JObject,
                scope,
                (string?)resource["name"],
                (string?)resource["condition"])
            {
                Deployment = resource,
            }
            : null;

    // Bicep emits "resources" as an array, or as an object keyed by symbolic name (language version 2.0).
    private static IEnumerable<JObject> ResourceList(JObject template) => template["resources"] switch
    {
        JArray array => array.OfType<JObject>(),
        JObject map => map.Properties().Select(p => p.Value).OfType<JObject>(),
        _ => [],
    };

    [GeneratedRegex(@"'Microsoft\.Resources/deployments', '(?<module>[^']+)'\), '[^']+'\)\.outputs\.(?<output>\w+)\.value\]$")]
    private static partial Regex ModuleOutputPattern();
}

/// <summary>One template (main or a module's) with the parameter values its caller passes.</summary>
public sealed partial record DeploymentScope(
    JObject Template,
    JObject? PassedParameters,
    DeploymentScope? Parent,
    string? DeploymentName,
    string? Condition)
{
    /// <summary>
    /// Follows "[parameters('x')]" to the value the caller passes (or the default) and
    /// "[variables('x')]" to the variable, until the value is something else.
    /// </summary>
    public JToken? Resolve(JToken? value)
    {
        var text = value?.Type == JTokenType.String ? (string?)value : null;
        if (text is null)
        {
            return value;
        }

        if (ParameterPattern().Match(text) is { Success: true } parameter)
        {
            var name = parameter.Groups[1].Value;
            if (PassedParameters?[name]?["value"] is { } passed && Parent is not null)
            {
                return Parent.Resolve(passed);
            }

            return Template["parameters"]?[name]?["defaultValue"] is { } fallback ? Resolve(fallback) : value;
        }

        if (VariablePattern().Match(text) is { Success: true } variable)
        {
            return Template["variables"]?[variable.Groups[1].Value] is { } declared ? Resolve(declared) : value;
        }

        return value;
    }

    /// <summary>True when neither this module nor any module above it is conditional.</summary>
    public bool IsUnconditional => Condition is null && (Parent?.IsUnconditional ?? true);

    /// <summary>The Microsoft.Resources/deployments resource that deploys this module (null for the main template).</summary>
    public JObject? Deployment { get; init; }

    /// <summary>Names of the module deployments this module's deployment waits for (its dependsOn).</summary>
    public IReadOnlyList<string> DeploymentsDependedOn =>
        (Deployment?["dependsOn"] as JArray ?? [])
            .Select(d => DependsOnDeploymentPattern().Match((string?)d ?? ""))
            .Where(m => m.Success)
            .Select(m => m.Groups["name"].Value)
            .ToList();

    [GeneratedRegex(@"'Microsoft\.Resources/deployments', '(?<name>[^']+)'\)\]$")]
    private static partial Regex DependsOnDeploymentPattern();

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariablePattern();
}

public sealed record TemplateResource(JObject Resource, DeploymentScope Scope)
{
    public JToken? Property(string path) => Resource.SelectToken(path);

    /// <summary>A property with parameter and variable references followed to their values.</summary>
    public JToken? Resolved(string path) => Scope.Resolve(Resource.SelectToken(path));
}

[CollectionDefinition(Name)]
public sealed class CompiledTemplateCollection : ICollectionFixture<CompiledTemplate>
{
    public const string Name = "compiled main.bicep";
}
