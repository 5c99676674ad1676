namespace NumberTrust.Functions.Tests.StandIn;

/// <summary>
/// functions-worker-api.txt read into types and their member lines. A type that several real assemblies
/// declare (for example Microsoft.Extensions.DependencyInjection.ServiceCollectionExtensions) keeps all of
/// its members, because the stand-in is one assembly standing for all of them.
/// </summary>
internal sealed class ApiList
{
    private readonly Dictionary<string, (HashSet<string> TypeLines, HashSet<string> Members)> types = new(StringComparer.Ordinal);

    private ApiList()
    {
    }

    public int TypeCount => types.Count;

    public static ApiList Load(string path) => Parse(File.ReadAllLines(path));

    public static ApiList Parse(IEnumerable<string> lines)
    {
        var list = new ApiList();
        HashSet<string>? members = null;
        foreach (var line in lines)
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("  ", StringComparison.Ordinal))
            {
                (members ?? throw new FormatException($"Member line before any type line: '{line}'.")).Add(line.Trim());
                continue;
            }

            var name = FullName(line);
            if (!list.types.TryGetValue(name, out var entry))
            {
                entry = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
                list.types.Add(name, entry);
            }

            entry.TypeLines.Add(line);
            members = entry.Members;
        }

        return list;
    }

    public bool Contains(string fullName) => types.ContainsKey(fullName);

    public bool HasMember(string fullName, string memberLine) =>
        types.TryGetValue(fullName, out var entry) && entry.Members.Contains(memberLine);

    /// <summary>Every way the given types differ from the list, one readable line each; empty when they conform.</summary>
    public IReadOnlyList<string> Differences(IEnumerable<Type> declaredTypes)
    {
        var differences = new List<string>();
        foreach (var type in declaredTypes.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var name = ApiRenderer.TypeName(type);
            var typeLine = ApiRenderer.TypeLine(type);
            if (!types.TryGetValue(name, out var entry))
            {
                differences.Add($"type not in the API list: {typeLine}");
                continue;
            }

            if (!entry.TypeLines.Contains(typeLine))
            {
                differences.Add($"type line differs: declared '{typeLine}', listed '{string.Join("' or '", entry.TypeLines)}'");
            }

            differences.AddRange(ApiRenderer.MemberLines(type)
                .Where(member => !entry.Members.Contains(member))
                .Select(member => $"member not listed under {name}: {member}"));
        }

        return differences;
    }

    private static string FullName(string typeLine)
    {
        var separator = typeLine.IndexOf(" : ", StringComparison.Ordinal);
        var head = separator < 0 ? typeLine : typeLine[..separator];
        return head[(head.LastIndexOf(' ') + 1)..];
    }
}
