using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Bicep;

[Collection(CompiledTemplateCollection.Name)]
public sealed class BicepBuildTests(CompiledTemplate compiled)
{
    [Fact]
    public void Main_bicep_builds_with_no_errors_or_warnings()
    {
        // bicep exits 0 on warnings and prints them on stderr, so stderr must be empty.
        Assert.True(compiled.Build.ExitCode == 0, compiled.Build.ToString());
        Assert.True(string.IsNullOrWhiteSpace(compiled.Build.StandardError), compiled.Build.ToString());
        Assert.Contains("subscriptionDeploymentTemplate.json", (string?)compiled.Template["$schema"]);
    }

    [Fact]
    public async Task Main_bicep_and_its_modules_pass_the_linter_with_no_findings()
    {
        var lint = await BicepCli.RunAsync("lint", RepoPaths.MainBicep, "--diagnostics-format", "sarif");

        Assert.True(lint.ExitCode == 0, lint.ToString());
        var findings = JObject.Parse(lint.StandardOutput).SelectTokens("$.runs[*].results[*]").ToList();
        Assert.True(findings.Count == 0, lint.ToString());
    }

    [Fact]
    public async Task Build_check_notices_a_warning_in_a_module()
    {
        // Guards the two checks above: a linter warning in a module must reach stderr and SARIF.
        var folder = Directory.CreateTempSubdirectory("nt-bicep-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "module.bicep"), "param unusedSetting string\n");
            var main = Path.Combine(folder.FullName, "main.bicep");
            await File.WriteAllTextAsync(main, "module m 'module.bicep' = {\n  name: 'm'\n  params: {\n    unusedSetting: 'x'\n  }\n}\n");

            var build = await BicepCli.RunAsync("build", main, "--stdout");
            var lint = await BicepCli.RunAsync("lint", main, "--diagnostics-format", "sarif");

            Assert.Equal(0, build.ExitCode);
            Assert.Contains("no-unused-params", build.StandardError, StringComparison.Ordinal);
            Assert.Contains("no-unused-params", lint.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Infra_uses_no_registry_modules_that_cannot_be_restored_offline()
    {
        var bicepFiles = Directory.GetFiles(RepoPaths.Infra, "*.bicep", SearchOption.AllDirectories);

        Assert.NotEmpty(bicepFiles);
        foreach (var file in bicepFiles)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("'br/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'br:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'ts/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'ts:", text, StringComparison.Ordinal);
        }
    }
}
