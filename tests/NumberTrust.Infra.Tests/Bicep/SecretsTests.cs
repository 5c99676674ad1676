using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>
/// Secrets (the admin key, platform credentials) go from @secure() parameters into Key Vault and reach the app only as Key
/// Vault references: never as a plain setting, an output or a plain module input.
/// </summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed partial class SecretsTests(CompiledTemplate compiled)
{
    private FunctionAppSettings Settings => new(compiled);

    private TemplateResource Vault => compiled.Single("Microsoft.KeyVault/vaults");

    public static TheoryData<string, string> SecretSettings => new()
    {
        // app setting, main.bicep parameter
        { "Auth__AdminKey", "adminApiKey" },
        { "Platforms__telnyx__ApiKey", "telnyxApiKey" },
        { "Platforms__tencent__SecretId", "tencentSecretId" },
        { "Platforms__tencent__SecretKey", "tencentSecretKey" },
    };

    [Theory]
    [InlineData("telnyxApiKey")]
    [InlineData("tencentSecretId")]
    [InlineData("tencentSecretKey")]
    public void Platform_credential_is_a_secure_parameter_that_defaults_to_empty(string parameter)
    {
        var declared = (JObject)compiled.Template["parameters"]![parameter]!;

        Assert.Equal("securestring", (string?)declared["type"]);
        Assert.Equal(string.Empty, (string?)declared["defaultValue"]);
    }

    [Fact]
    public void Admin_key_is_a_secure_parameter_with_no_default()
    {
        var declared = (JObject)compiled.Template["parameters"]!["adminApiKey"]!;

        Assert.Equal("securestring", (string?)declared["type"]);
        Assert.False(declared.ContainsKey("defaultValue"));
    }

    [Fact]
    public void Tencent_resource_id_is_a_plain_optional_parameter()
    {
        var declared = (JObject)compiled.Template["parameters"]!["tencentResourceId"]!;

        Assert.Equal("string", (string?)declared["type"]);
        Assert.Equal(string.Empty, (string?)declared["defaultValue"]);
    }

    [Theory]
    [MemberData(nameof(SecretSettings))]
    public void Secret_setting_is_a_key_vault_reference_to_the_secret_made_from_its_parameter(string setting, string parameter)
    {
        // setting -> "@Microsoft.KeyVault(SecretUri=<uri parameter>)" -> key-vault module output -> secret resource -> its value.
        var raw = (string?)Settings.Raw(setting) ?? "";
        var reference = KeyVaultReference().Match(raw);
        Assert.True(reference.Success, $"{setting} is not a Key Vault reference: {raw}");

        var uri = Settings.Caller.Resolve($"[parameters('{reference.Groups["uri"].Value}')]");
        Assert.Equal("key-vault", CompiledTemplate.ModuleOutputReference(uri)?.Module);
        var output = compiled.ModuleOutputValue(uri) ?? "";
        var secretName = SecretUriOutput().Match(output);
        Assert.True(secretName.Success, $"{setting}: the vault output is not a secret's versioned URI: {output}");

        var secret = Assert.Single(
            compiled.ResourcesOfType("Microsoft.KeyVault/vaults/secrets"),
            s => ((string?)s.Property("name"))?.EndsWith($"'{secretName.Groups["secret"].Value}')]", StringComparison.Ordinal) == true);
        // (Resolve would follow the parameter up to main's default, '' for the credentials, so the chain is checked link by link.)
        Assert.Equal($"[parameters('{parameter}')]", (string?)secret.Property("properties.value"));
        Assert.Equal("securestring", (string?)secret.Scope.Template["parameters"]?[parameter]?["type"]);
        Assert.Equal($"[parameters('{parameter}')]", (string?)secret.Scope.PassedParameters?[parameter]?["value"]);
        Assert.Same(compiled.Template, secret.Scope.Parent?.Template);
    }

    [Theory]
    [InlineData("Platforms__telnyx__ApiKey", "telnyxApiKey")]
    [InlineData("Platforms__tencent__SecretId", "tencentSecretId")]
    [InlineData("Platforms__tencent__SecretKey", "tencentSecretKey")]
    public void Credential_setting_exists_only_when_its_credential_is_given(string setting, string parameter)
    {
        // An optional setting is written only when not empty (see AppSettingsTests); it is empty when the vault has no secret.
        Assert.True(Settings.Optional.ContainsKey(setting) && !Settings.Always.ContainsKey(setting), $"{setting} must be optional");
        var raw = (string?)Settings.Raw(setting) ?? "";
        Assert.Matches(@"^\[if\(empty\(parameters\('(\w+)'\)\), '', format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('\1'\)\)\)\]$", raw);

        var secret = compiled.ResourcesOfType("Microsoft.KeyVault/vaults/secrets")
            .Single(s => (string?)s.Property("properties.value") == $"[parameters('{parameter}')]");
        Assert.Equal($"[not(empty(parameters('{parameter}')))]", (string?)secret.Property("condition"));
        var output = compiled.ModuleOutputValue(Settings.Caller.Resolve($"[parameters('{KeyVaultReference().Match(raw).Groups["uri"].Value}')]")) ?? "";
        Assert.StartsWith($"[coalesce(tryGet(if(not(empty(parameters('{parameter}'))), reference(", output, StringComparison.Ordinal);
        Assert.EndsWith(", 'properties', 'secretUriWithVersion'), '')]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Tencent_resource_id_setting_exists_only_when_given()
    {
        Assert.True(Settings.Optional.ContainsKey("Platforms__tencent__ResourceId"));
        Assert.Equal("[parameters('tencentResourceId')]", (string?)Settings.Raw("Platforms__tencent__ResourceId"));
        Assert.Equal("[parameters('tencentResourceId')]", (string?)Settings.Caller.PassedParameters?["tencentResourceId"]?["value"]);
        Assert.Same(compiled.Template, Settings.Caller.Parent?.Template);
    }

    [Fact]
    public void Infra_turns_no_platform_on_or_off()
    {
        // Platforms without credentials are on by default in the app, those with credentials turn on when given them.
        Assert.DoesNotContain(Settings.Names, name => EnabledSetting().IsMatch(name));
    }

    [Fact]
    public void No_secure_value_leaves_the_vault_except_as_an_emptiness_check()
    {
        // Every use of a @secure() string anywhere in the compiled template (main and modules): the value of a Key Vault
        // secret, a pass-through to a @secure() module parameter, or inside empty(); never a setting, an output or a plain input.
        var scopes = new[] { compiled.Root }.Concat(Modules()).ToList();
        var uses = 0;
        foreach (var scope in scopes)
        {
            var secure = ((JObject?)scope.Template["parameters"] ?? []).Properties()
                .Where(p => (string?)p.Value["type"] == "securestring").Select(p => p.Name).ToList();
            foreach (var token in scope.Template.Descendants().OfType<JValue>().Where(v => v.Type == JTokenType.String))
            {
                if (InNestedTemplate(token, scope.Template))
                {
                    continue;
                }

                var text = (string)token!;
                foreach (var name in secure.Where(n => text.Contains($"parameters('{n}')", StringComparison.Ordinal)))
                {
                    uses++;
                    Assert.True(IsAllowedUse(scope, token, name), $"{scope.DeploymentName ?? "main"}: {name} used at {token.Path}: {text}");
                }
            }
        }

        Assert.True(uses >= 8, $"only {uses} uses of secure values found; the check is not looking where the secrets are");
    }

    [Fact]
    public void Function_app_resolves_key_vault_references_with_its_user_assigned_identity()
    {
        var app = compiled.Single("Microsoft.Web/sites");

        Assert.Equal("[parameters('identityId')]", (string?)app.Property("properties.keyVaultReferenceIdentity"));
        Assert.Equal(("identity", "id"), CompiledTemplate.ModuleOutputReference(app.Resolved("properties.keyVaultReferenceIdentity")));
    }

    [Fact]
    public void Vault_uses_rbac_and_soft_delete_and_azd_down_purge_can_purge_it()
    {
        var vault = Vault;

        Assert.True((bool?)vault.Resolved("properties.enableRbacAuthorization"));
        Assert.True((bool?)vault.Resolved("properties.enableSoftDelete"));
        // azd down --purge purges only vaults with soft delete on and purge protection off (azure-dev bicep_provider.go).
        Assert.Null(vault.Property("properties.enablePurgeProtection"));
        Assert.Equal("kv-", (string?)compiled.Root.Resolve("[variables('abbrs')]")?["keyVaultVaults"]);
    }

    [Fact]
    public void App_settings_wait_for_the_vault_and_its_role_assignment()
    {
        // Key Vault references resolve when the settings are written; the app identity's role must exist by then.
        Assert.Contains("key-vault", compiled.Module("api").DeploymentsDependedOn);
        var role = compiled.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(r => ((string?)r.Resolved("properties.roleDefinitionId"))?.Contains("'4633458b-17de-408a-b874-0445c86b69e6'", StringComparison.Ordinal) == true);
        Assert.Equal("key-vault", role.Scope.DeploymentName);
    }

    private bool IsAllowedUse(DeploymentScope scope, JValue token, string name)
    {
        var text = (string)token!;
        var exact = text == $"[parameters('{name}')]";

        // The value of a Key Vault secret.
        if (exact && token.Path.EndsWith("properties.value", StringComparison.Ordinal)
            && (string?)token.Parent?.Parent?.Parent?.Parent?["type"] == "Microsoft.KeyVault/vaults/secrets")
        {
            return true;
        }

        // Passed to a module parameter that is itself secure.
        if (exact && token.Parent?.Parent?.Parent is JProperty { Name: var target } && token.Path.Contains(".properties.parameters.", StringComparison.Ordinal))
        {
            var child = Modules().FirstOrDefault(m => ReferenceEquals(m.Parent?.Template, scope.Template) && ReferenceEquals(m.PassedParameters, token.Parent.Parent.Parent.Parent));
            return (string?)child?.Template["parameters"]?[target]?["type"] == "securestring";
        }

        // Only tested for emptiness: every occurrence sits inside empty(...).
        return Regex.Count(text, $@"parameters\('{name}'\)") == Regex.Count(text, $@"empty\(parameters\('{name}'\)\)");
    }

    private IEnumerable<DeploymentScope> Modules() =>
        compiled.Resources().Where(r => (string?)r.Resource["type"] == "Microsoft.Resources/deployments")
            .Select(r => compiled.Module((string)r.Resource["name"]!));

    private static bool InNestedTemplate(JToken token, JObject template)
    {
        for (var node = token.Parent; node is not null && !ReferenceEquals(node, template); node = node.Parent)
        {
            if (node is JProperty { Name: "template" } && node.Parent?.Parent is JProperty { Name: "properties" })
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('(?<uri>\w+)'\)\)")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"resourceId\('Microsoft\.KeyVault/vaults/secrets', parameters\('name'\), '(?<secret>[a-z0-9-]+)'\).*secretUriWithVersion")]
    private static partial Regex SecretUriOutput();

    [GeneratedRegex(@"^Platforms__.+__Enabled$", RegexOptions.IgnoreCase)]
    private static partial Regex EnabledSetting();
}
