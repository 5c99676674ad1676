using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NumberTrust.Hosting;
using NumberTrust.Storage;

namespace NumberTrust.Infra.Tests.Bicep;

/// <summary>
/// The tables and queues the infra creates, checked against the lists the app itself uses (NumberTrust.Core), so a table
/// or queue added to the app fails here until infra/main.bicep declares it too.
/// </summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed partial class AppStorageTests(CompiledTemplate compiled)
{
    [Fact]
    public void Infra_creates_exactly_the_tables_of_the_app()
    {
        var declared = DeclaredNames("Microsoft.Storage/storageAccounts/tableServices/tables");

        AssertSameNames(TableNames.All, declared, "tableNames");
        Assert.All(declared, name => Assert.Matches(AzureTableName(), name));
    }

    [Fact]
    public void Infra_creates_exactly_the_queues_of_the_app_and_their_poison_queues()
    {
        var expected = QueueNames.All.SelectMany(queue => new[] { queue, queue + QueueNames.PoisonSuffix });

        var declared = DeclaredNames("Microsoft.Storage/storageAccounts/queueServices/queues");

        AssertSameNames(expected, declared, "queueNames");
        Assert.All(declared, name => Assert.Matches(AzureQueueName(), name));
    }

    [Fact]
    public void Infra_creates_exactly_the_blob_containers_of_the_app()
    {
        // The deployment package's container is the host's; the app's containers are the ones of the containerNames loop.
        var declared = DeclaredNames("Microsoft.Storage/storageAccounts/blobServices/containers", loopsOnly: true);

        AssertSameNames(ContainerNames.All, declared, "containerNames");
        Assert.All(declared, name => Assert.Matches(AzureQueueName(), name)); // container names follow the queue name rules
    }

    [Fact]
    public void Tables_and_queues_are_in_the_account_the_app_uses_and_unconditional()
    {
        var account = compiled.Single("Microsoft.Storage/storageAccounts");
        var children = compiled.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables")
            .Concat(compiled.ResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues"))
            .ToList();

        Assert.NotEmpty(children);
        Assert.All(children, child =>
        {
            Assert.Same(account.Scope.Template, child.Scope.Template);
            Assert.True(child.Scope.IsUnconditional && child.Resource["condition"] is null, $"{child.Resource["name"]} is conditional");
        });
    }

    private static void AssertSameNames(IEnumerable<string> app, IReadOnlyList<string> declared, string variable)
    {
        var missing = app.Except(declared, StringComparer.Ordinal).ToList();
        var extra = declared.Except(app, StringComparer.Ordinal).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0 && declared.Count == declared.Distinct(StringComparer.Ordinal).Count(),
            $"NumberTrust.Core and infra/main.bicep (variable {variable}) disagree. Missing from the infra: [{string.Join(", ", missing)}]; "
            + $"declared but not used by the app: [{string.Join(", ", extra)}]; declared: [{string.Join(", ", declared)}].");
    }

    /// <summary>
    /// Names of the resources of <paramref name="type"/>: the last name segment, expanded over the list a copy loop runs
    /// over. Only the shapes bicep emits for this template are understood; anything else fails the test with the expression.
    /// </summary>
    private List<string> DeclaredNames(string type, bool loopsOnly = false)
    {
        var names = new List<string>();
        foreach (var resource in compiled.ResourcesOfType(type).Where(r => !loopsOnly || r.Property("copy.count") is not null))
        {
            var name = (string?)resource.Property("name") ?? "";
            var leaf = ChildName().Match(name);
            Assert.True(leaf.Success, $"unexpected name expression {name}");
            var expression = leaf.Groups["leaf"].Value;

            if ((string?)resource.Property("copy.count") is not { } count)
            {
                var literal = Literal().Match(expression);
                Assert.True(literal.Success, $"unexpected name {name}");
                names.Add(literal.Groups["value"].Value);
                continue;
            }

            var list = LengthOf().Match(count);
            Assert.True(list.Success, $"unexpected copy count {count}");
            var items = Assert.IsType<JArray>(resource.Scope.Resolve($"[{list.Groups["list"].Value}]"));
            var element = Regex.Escape(list.Groups["list"].Value + "[copyIndex()]");
            var suffix = Regex.Match(expression, $"^(?:{element}|format\\('\\{{0\\}}(?<suffix>[a-z0-9-]*)', {element}\\))$");
            Assert.True(suffix.Success, $"unexpected name {name}");
            names.AddRange(items.Select(item => (string)item! + suffix.Groups["suffix"].Value));
        }

        return names;
    }

    [GeneratedRegex(@"^\[format\('\{0\}/\{1\}/\{2\}', parameters\('name'\), 'default', (?<leaf>.+)\)\]$")]
    private static partial Regex ChildName();

    [GeneratedRegex(@"^'(?<value>[^']+)'$")]
    private static partial Regex Literal();

    [GeneratedRegex(@"^\[length\((?<list>.+)\)\]$")]
    private static partial Regex LengthOf();

    // Azure Table names: 3 to 63 letters and digits, starting with a letter.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex AzureTableName();

    // Azure queue names: 3 to 63 lowercase letters, digits and single hyphens, not starting or ending with a hyphen.
    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex AzureQueueName();
}
