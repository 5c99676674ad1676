using Newtonsoft.Json.Linq;

namespace NumberTrust.Infra.Tests.Azd;

public sealed class AzureYamlTests
{
    private static readonly Lazy<Task<AzdSchema>> Schema = new(() => AzdSchema.LoadAsync(RepoPaths.AzdSchema));

    private static JObject AzureYaml() => YamlJson.ReadDocument(File.ReadAllText(RepoPaths.AzureYaml));

    [Fact]
    public async Task Azure_yaml_is_valid_against_the_azd_schema()
    {
        var schema = await Schema.Value;

        var errors = schema.Validate(AzureYaml());

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.ToString())));
    }

    [Fact]
    public async Task Schema_loses_only_ai_host_branches_to_unresolvable_remote_references()
    {
        var schema = await Schema.Value;

        Assert.NotEmpty(schema.DroppedRemoteReferences);
        Assert.All(schema.DroppedRemoteReferences, dropped =>
            Assert.True(
                dropped.GuardingHost is { } host && (host.StartsWith("azure.ai.", StringComparison.Ordinal) || host == "microsoft.foundry"),
                $"remote $ref at {dropped.Path} is guarded by host '{dropped.GuardingHost}'"));
    }

    public static TheoryData<string, string> InvalidVariants => new()
    {
        // name pattern: lowercase letters, digits and hyphens only
        { "uppercase name", """{ "name": "NumberTrust" }""" },
        // services.<name>.host is required
        { "service without host", """{ "services": { "api": { "host": null } } }""" },
        // function host branch (an if/then in the schema): k8s options are not allowed
        { "function service with k8s options", """{ "services": { "api": { "k8s": { "namespace": "x" } } } }""" },
        // function host branch: project and image are mutually exclusive
        { "function service with both project and image", """{ "services": { "api": { "image": "nginx" } } }""" },
        // hook definition (an if/then): with both posix and windows, a top-level run is not allowed
        { "hook with posix, windows and run", """{ "hooks": { "predeploy": { "run": "echo hi", "posix": { "shell": "sh", "run": "a.sh" }, "windows": { "shell": "pwsh", "run": "a.ps1" } } } }""" },
        // hook shell is an enum
        { "hook with unknown shell", """{ "hooks": { "prepackage": { "shell": "bash", "run": "a.sh" } } }""" },
        // unknown command hook name
        { "unknown hook event", """{ "hooks": { "prebake": { "run": "x", "shell": "sh" } } }""" },
    };

    [Fact]
    public async Task Schema_check_accepts_a_well_formed_hook()
    {
        // azure.yaml has no hooks, so the hook variants above add their own; this one, valid, must pass, so
        // their rejections come from the broken part and not from hooks as such.
        var schema = await Schema.Value;
        var document = AzureYaml();
        document.Merge(JObject.Parse("""{ "hooks": { "predeploy": { "posix": { "shell": "sh", "run": "a.sh" }, "windows": { "shell": "pwsh", "run": "a.ps1" } }, "prepackage": { "shell": "sh", "run": "a.sh" } } }"""));

        var errors = schema.Validate(document);

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.ToString())));
    }

    [Theory]
    [MemberData(nameof(InvalidVariants))]
    public async Task Schema_check_rejects_a_broken_variant(string description, string change)
    {
        // Shows the offline validation still has teeth, including the rewritten if/then branches.
        var schema = await Schema.Value;
        var document = AzureYaml();
        document.Merge(JObject.Parse(change), new JsonMergeSettings { MergeNullValueHandling = MergeNullValueHandling.Merge });
        RemoveNulls(document);

        var errors = schema.Validate(document);

        Assert.True(errors.Count > 0, $"{description}: accepted {document}");
    }

    [Fact]
    public void Azure_yaml_deploys_the_functions_project_as_service_api()
    {
        var yaml = AzureYaml();
        var api = (JObject)yaml["services"]!["api"]!;

        Assert.Equal("numbertrust", (string?)yaml["name"]);
        Assert.Single((JObject)yaml["services"]!);
        Assert.Equal("./functions/NumberTrust.Functions", (string?)api["project"]);
        Assert.Equal("dotnet", (string?)api["language"]);
        Assert.Equal("function", (string?)api["host"]);

        var project = Path.GetFullPath(Path.Combine(RepoPaths.Root, (string)api["project"]!));
        Assert.True(Directory.Exists(project), $"service project folder {project} does not exist");
    }

    private static void RemoveNulls(JToken token)
    {
        foreach (var property in token.Children<JProperty>().ToList())
        {
            if (property.Value.Type == JTokenType.Null)
            {
                property.Remove();
            }
            else
            {
                RemoveNulls(property.Value);
            }
        }
    }
}
