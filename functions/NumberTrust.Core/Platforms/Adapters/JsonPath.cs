using System.Globalization;
using System.Text.Json;

namespace NumberTrust.Platforms;

/// <summary>
/// A small JSONPath subset for the configurable JSON adapter: <c>a.b.c</c>, <c>a[0].b</c>, <c>data[*].msg</c>, <c>['odd key']</c>,
/// optional leading <c>$</c> / <c>$.</c>. Evaluates to every matching element.
/// </summary>
public sealed class JsonPath
{
    private readonly IReadOnlyList<Segment> _segments;

    private JsonPath(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public static JsonPath Parse(string path) =>
        TryParse(path, out var parsed, out var error) ? parsed! : throw new FormatException($"Invalid JSON path '{path}': {error}");

    public static bool TryParse(string? path, out JsonPath? parsed, out string? error)
    {
        parsed = null;
        error = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "empty path";
            return false;
        }

        var text = path.Trim();
        var i = 0;
        if (text.StartsWith('$'))
        {
            i = 1;
        }

        var segments = new List<Segment>();
        while (i < text.Length)
        {
            var ch = text[i];
            if (ch == '.')
            {
                i++;
                if (i >= text.Length || text[i] is '.' or '[')
                {
                    error = $"a property name is missing at position {i}";
                    return false;
                }

                continue;
            }

            if (ch == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"unclosed '[' at position {i}";
                    return false;
                }

                var inner = text[(i + 1)..close].Trim();
                if (inner is "*" or "")
                {
                    segments.Add(Segment.All);
                }
                else if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
                {
                    segments.Add(Segment.Property(inner[1..^1]));
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(Segment.Index(index));
                }
                else
                {
                    error = $"'[{inner}]' is neither an index, [*] nor a quoted name";
                    return false;
                }

                i = close + 1;
                continue;
            }

            var end = i;
            while (end < text.Length && text[end] is not ('.' or '['))
            {
                end++;
            }

            segments.Add(Segment.Property(text[i..end]));
            i = end;
        }

        if (segments.Count == 0)
        {
            error = "the path selects nothing";
            return false;
        }

        parsed = new JsonPath(text, segments);
        return true;
    }

    /// <summary>Every element the path selects under <paramref name="root"/> (none when a step is missing).</summary>
    public IEnumerable<JsonElement> Evaluate(JsonElement root)
    {
        IEnumerable<JsonElement> current = [root];
        foreach (var segment in _segments)
        {
            current = current.SelectMany(segment.Apply).ToList();
        }

        return current;
    }

    /// <summary>The first selected element, if any.</summary>
    public JsonElement? First(JsonElement root)
    {
        foreach (var element in Evaluate(root))
        {
            return element;
        }

        return null;
    }

    public override string ToString() => Text;

    private sealed record Segment(string? Name, int? Position, bool Wildcard)
    {
        public static readonly Segment All = new(null, null, true);

        public static Segment Property(string name) => new(name, null, false);

        public static Segment Index(int index) => new(null, index, false);

        public IEnumerable<JsonElement> Apply(JsonElement element)
        {
            if (Wildcard)
            {
                return element.ValueKind switch
                {
                    JsonValueKind.Array => element.EnumerateArray().ToList(),
                    JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value).ToList(),
                    _ => [],
                };
            }

            if (Position is { } index)
            {
                return element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength() ? [element[index]] : [];
            }

            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(Name!, out var value) ? [value] : [];
        }
    }
}
