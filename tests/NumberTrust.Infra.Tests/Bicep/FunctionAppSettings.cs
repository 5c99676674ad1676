using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>
/// The function app's settings as the compiled template writes them: what the function-app module passes to the app-settings
/// module (always-written and optional settings), with values resolved in the function-app module.
/// </summary>
public sealed class FunctionAppSettings
{
    public FunctionAppSettings(CompiledTemplate compiled)
    {
        Config = compiled.ResourcesOfType("Microsoft.Web/sites/config")
            .Single(r => ((string?)r.Resource["name"])?.Contains("'appsettings'", StringComparison.Ordinal) == true);
        Always = Assert.IsType<JObject>(Config.Scope.PassedParameters?["appSettings"]?["value"]);
        Optional = Config.Scope.PassedParameters?["optionalAppSettings"]?["value"] as JObject ?? [];
    }

    /// <summary>The Microsoft.Web/sites/config resource (in the app-settings module).</summary>
    public TemplateResource Config { get; }

    /// <summary>The app-settings module.</summary>
    public DeploymentScope Module => Config.Scope;

    /// <summary>The function-app module, which passes the settings.</summary>
    public DeploymentScope Caller => Module.Parent ?? throw new InvalidOperationException("The app-settings module has no caller.");

    public JObject Always { get; }

    public JObject Optional { get; }

    public IReadOnlyList<string> Names => Always.Properties().Concat(Optional.Properties()).Select(p => p.Name).ToList();

    public JToken? Raw(string name) => Always[name] ?? Optional[name];

    public JToken? Resolved(string name) => Caller.Resolve(Raw(name));
}
