using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>
/// A provision merges the template's settings into the site's current ones instead of replacing the list, so settings
/// added in the portal survive; the optional (credential) settings are the template's own and follow their parameters.
/// </summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed class AppSettingsMergeTests(CompiledTemplate compiled)
{
    private FunctionAppSettings Settings => new(compiled);

    [Fact]
    public void App_settings_are_the_union_of_the_current_settings_and_the_templates()
    {
        var settings = Settings;

        var properties = (string?)settings.Config.Property("properties") ?? "";
        Assert.Equal("[union(variables('keptCurrentSettings'), parameters('appSettings'), variables('givenOptionalSettings'))]", properties);
        var kept = (string?)settings.Module.Template["variables"]?["keptCurrentSettings"] ?? "";
        Assert.StartsWith("[toObject(filter(items(parameters('currentAppSettings')), ", kept, StringComparison.Ordinal);
        // Current settings come first in union(), so the template's value wins for a setting it writes; and no other
        // config/appsettings resource replaces what the merge wrote.
        Assert.Single(SettingsConfigs());
    }

    [Fact]
    public void Current_settings_are_read_from_the_site_after_it_exists()
    {
        // The first deployment too: the module waits for the site, so list() finds it (with no settings yet).
        var settings = Settings;

        Assert.Equal(
            "[list(resourceId('Microsoft.Web/sites/config', parameters('functionAppName'), 'appsettings'), '2025-03-01').properties]",
            (string?)settings.Module.PassedParameters?["currentAppSettings"]?["value"]);
        Assert.Equal("[parameters('functionAppName')]", (string?)settings.Module.PassedParameters?["functionAppName"]?["value"]);
        Assert.Contains("[resourceId('Microsoft.Web/sites', parameters('functionAppName'))]", settings.Module.Deployment?["dependsOn"]?.Values<string>() ?? []);
        var site = compiled.Single("Microsoft.Web/sites");
        Assert.Same(settings.Caller.Template, site.Scope.Template);
        Assert.Equal("[parameters('functionAppName')]", (string?)site.Property("name"));
    }

    [Fact]
    public void Current_settings_stay_out_of_the_deployment_history()
    {
        // A setting added by hand may be a secret; a plain module input would be shown in the deployment's inputs.
        Assert.Equal("secureObject", (string?)Settings.Module.Template["parameters"]?["currentAppSettings"]?["type"]);
    }

    [Fact]
    public void Optional_settings_are_written_only_with_a_value_and_otherwise_removed()
    {
        var variables = (JObject)Settings.Module.Template["variables"]!;

        // kept = current settings whose name is not an optional setting; given = optional settings with a value.
        Assert.Equal(
            "[toObject(filter(items(parameters('currentAppSettings')), lambda('setting', not(contains(parameters('optionalAppSettings'), lambdaVariables('setting').key)))), lambda('setting', lambdaVariables('setting').key), lambda('setting', lambdaVariables('setting').value))]",
            (string?)variables["keptCurrentSettings"]);
        Assert.Equal(
            "[toObject(filter(items(parameters('optionalAppSettings')), lambda('setting', not(empty(lambdaVariables('setting').value)))), lambda('setting', lambdaVariables('setting').key), lambda('setting', lambdaVariables('setting').value))]",
            (string?)variables["givenOptionalSettings"]);
    }

    [Fact]
    public void Azure_deployment_sets_no_storage_prefix()
    {
        // The infra creates the tables and queues under their plain names; a prefix would make the app use others.
        Assert.DoesNotContain(Settings.Names, name => name.StartsWith("Storage__", StringComparison.OrdinalIgnoreCase));
    }

    private List<TemplateResource> SettingsConfigs() =>
        compiled.ResourcesOfType("Microsoft.Web/sites/config")
            .Where(r => ((string?)r.Resource["name"])?.Contains("appsettings", StringComparison.Ordinal) == true)
            .ToList();
}
