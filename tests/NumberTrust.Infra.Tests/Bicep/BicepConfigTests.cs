using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>
/// infra/bicepconfig.json, which bicep picks up for every file under infra/: the stricter rules stay on, and they really
/// apply (the lint test then requires zero findings from them).
/// </summary>
public sealed class BicepConfigTests
{
    private static string ConfigPath => Path.Combine(RepoPaths.Infra, "bicepconfig.json");

    private static JObject Rules()
    {
        var config = JObject.Parse(File.ReadAllText(ConfigPath));
        Assert.NotEqual(false, (bool?)config.SelectToken("analyzers.core.enabled"));
        return Assert.IsType<JObject>(config.SelectToken("analyzers.core.rules"));
    }

    [Theory]
    // Off by default in bicep; old API versions miss properties (disableLocalAuth on Communication Services was one).
    [InlineData("use-recent-api-versions")]
    [InlineData("use-secure-value-for-secure-inputs")]
    [InlineData("secure-secrets-in-params")]
    [InlineData("outputs-should-not-contain-secrets")]
    [InlineData("secure-parameter-default")]
    [InlineData("no-hardcoded-location")]
    [InlineData("explicit-values-for-loc-params")]
    [InlineData("no-loc-expr-outside-params")]
    [InlineData("prefer-unquoted-property-names")]
    public void Bicep_config_turns_on_rule(string rule)
    {
        var level = (string?)Rules()[rule]?["level"];

        Assert.True(level is "warning" or "error", $"{rule} is '{level ?? "not set"}' in infra/bicepconfig.json; it must be warning or error.");
    }

    [Fact]
    public async Task Bicep_config_makes_the_linter_flag_an_old_api_version()
    {
        // The key above could be misspelt and bicep would not say so; an old API version linted under this config must be flagged.
        var folder = Directory.CreateTempSubdirectory("nt-bicepconfig-");
        try
        {
            File.Copy(ConfigPath, Path.Combine(folder.FullName, "bicepconfig.json"));
            var file = Path.Combine(folder.FullName, "old.bicep");
            await File.WriteAllTextAsync(file, """
                param location string

                resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2018-11-30' = {
                  name: 'id-old'
                  location: location
                }
                """);

            var lint = await BicepCli.RunAsync("lint", file, "--diagnostics-format", "sarif");

            var rules = JObject.Parse(lint.StandardOutput).SelectTokens("$.runs[*].results[*].ruleId").Select(t => (string?)t).ToList();
            Assert.Contains("use-recent-api-versions", rules);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
