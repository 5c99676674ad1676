using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace NumberTrust.Infra.Tests.Azd;

/// <summary>
/// The azd schema (draft 2019-09) rewritten into the keywords NJsonSchema validates, with the
/// same meaning, except inside the AI-host branches whose remote $refs cannot be fetched offline:
/// <list type="bullet">
/// <item><c>if A then B else C</c> becomes <c>anyOf [allOf [A, B], allOf [not A, C]]</c> (NJsonSchema ignores if/then/else).</item>
/// <item><c>const v</c> becomes <c>enum [v]</c>; a <c>true</c> schema becomes <c>{}</c> and <c>false</c> becomes <c>not {}</c>.</item>
/// <item>A remote <c>$ref</c> is dropped. That loosens only the branch it sits in, and every one sits in
/// a <c>then</c> guarded by <c>host: azure.ai.*</c> or <c>microsoft.foundry</c>, which a function service never enters.
/// <see cref="DroppedRemoteReferences"/> lists where they were, so a test can hold that true.</item>
/// </list>
/// </summary>
internal sealed class AzdSchema
{
    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] SingleSchemas = ["not", "items", "additionalItems", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems"];

    private readonly List<(string Path, string? GuardingHost)> _dropped = [];

    private AzdSchema()
    {
    }

    public JsonSchema Schema { get; private set; } = null!;

    /// <summary>Each dropped remote $ref: its JSON path and the host const of the if/then branch it was in.</summary>
    public IReadOnlyList<(string Path, string? GuardingHost)> DroppedRemoteReferences => _dropped;

    public static async Task<AzdSchema> LoadAsync(string path)
    {
        var result = new AzdSchema();
        var document = JObject.Parse(await File.ReadAllTextAsync(path));
        var rewritten = result.Rewrite(document, guardingHost: null);
        result.Schema = await JsonSchema.FromJsonAsync(rewritten.ToString());
        return result;
    }

    public ICollection<ValidationError> Validate(JToken document) => Schema.Validate(document);

    private JToken Rewrite(JToken schema, string? guardingHost)
    {
        if (schema is JValue { Type: JTokenType.Boolean } boolean)
        {
            return (bool)boolean! ? new JObject() : new JObject { ["not"] = new JObject() };
        }

        if (schema is not JObject original)
        {
            return schema;
        }

        var result = (JObject)original.DeepClone();

        if ((string?)result["$ref"] is { } reference && !reference.StartsWith('#'))
        {
            _dropped.Add((original.Path, guardingHost));
            result.Remove("$ref");
        }

        if (result["const"] is { } constant)
        {
            result.Remove("const");
            result["enum"] = new JArray(constant);
        }

        foreach (var key in SchemaMaps)
        {
            if (result[key] is JObject map)
            {
                foreach (var property in map.Properties().ToList())
                {
                    property.Value = Rewrite(original[key]![property.Name]!, guardingHost);
                }
            }
        }

        foreach (var key in SchemaLists)
        {
            if (result[key] is JArray list)
            {
                result[key] = new JArray(((JArray)original[key]!).Select(item => Rewrite(item, guardingHost)));
            }
        }

        foreach (var key in SingleSchemas)
        {
            if (result[key] is JObject or JValue { Type: JTokenType.Boolean })
            {
                result[key] = Rewrite(original[key]!, guardingHost);
            }
        }

        // NJsonSchema reads a boolean additionalProperties itself.
        if (result["additionalProperties"] is JObject)
        {
            result["additionalProperties"] = Rewrite(original["additionalProperties"]!, guardingHost);
        }

        if (original["if"] is { } condition)
        {
            var host = (string?)condition.SelectToken("properties.host.const") ?? guardingHost;
            var when = Rewrite(condition, guardingHost);
            var then = original["then"] is { } t ? Rewrite(t, host) : new JObject();
            var otherwise = original["else"] is { } e ? Rewrite(e, guardingHost) : new JObject();
            result.Remove("if");
            result.Remove("then");
            result.Remove("else");

            var conditional = new JObject
            {
                ["anyOf"] = new JArray(
                    new JObject { ["allOf"] = new JArray(when, then) },
                    new JObject { ["allOf"] = new JArray(new JObject { ["not"] = when.DeepClone() }, otherwise) }),
            };
            var allOf = result["allOf"] as JArray ?? [];
            allOf.Add(conditional);
            result["allOf"] = allOf;
        }

        return result;
    }
}
