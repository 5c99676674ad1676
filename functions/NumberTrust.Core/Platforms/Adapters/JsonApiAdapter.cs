using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NumberTrust.Labels;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// A label-check API described entirely by configuration (<see cref="JsonAdapterOptions"/>): request template, auth header, and
/// JSON paths for label, category, count, source app and a "no label" marker, optionally per element of an array (one element per
/// app). The worst label across elements wins; Clean needs every element to say "no label" positively.
/// </summary>
public sealed class JsonApiAdapter : HttpPlatformAdapter
{
    private readonly JsonAdapterOptions _json;
    private readonly JsonPath? _array;
    private readonly JsonPath? _label;
    private readonly JsonPath? _category;
    private readonly JsonPath? _count;
    private readonly JsonPath? _source;
    private readonly JsonPath? _noLabel;
    private readonly JsonPath? _success;
    private readonly Dictionary<string, LabelCategory> _labelMap;

    public JsonApiAdapter(PlatformContext context)
        : base(context)
    {
        _json = context.Options.Json;
        _array = Optional(_json.ArrayPath);
        _label = Optional(_json.LabelPath);
        _category = Optional(_json.CategoryPath);
        _count = Optional(_json.CountPath);
        _source = Optional(_json.SourceAppPath);
        _noLabel = Optional(_json.NoLabelPath);
        _success = Optional(_json.SuccessPath);
        _labelMap = new Dictionary<string, LabelCategory>(StringComparer.Ordinal);
        foreach (var (text, category) in _json.LabelMap)
        {
            if (LabelTaxonomy.TryParseCategory(category, out var parsed))
            {
                _labelMap[LabelTaxonomy.Normalise(text)] = parsed;
            }
        }
    }

    protected override Uri DefaultBaseUrl =>
        Uri.TryCreate(_json.UrlTemplate, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? new UriBuilder(absolute.Scheme, absolute.Host, absolute.Port).Uri
            : new Uri(Options.BaseUrl ?? "http://localhost"); // validation requires BaseUrl for relative templates

    public override bool Covers(CanonicalNumber number) => Options.CountryCodes.Count == 0 || Options.CountryCodes.Contains(number.CountryCode);

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl)
    {
        var template = _json.UrlTemplate ?? "/";
        var pathAndQuery = Uri.TryCreate(template, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? absolute.PathAndQuery
            : template;
        var url = PlatformBaseUrl.Combine(baseUrl, Fill(pathAndQuery, number, Uri.EscapeDataString));
        var method = string.Equals(_json.Method, "POST", StringComparison.OrdinalIgnoreCase) ? HttpMethod.Post : HttpMethod.Get;
        var request = new HttpRequestMessage(method, url);
        if (method == HttpMethod.Post)
        {
            var body = Fill(_json.Body ?? "", number, v => JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(v));
            request.Content = new StringContent(body, Encoding.UTF8, _json.BodyContentType);
        }

        if (!string.IsNullOrWhiteSpace(_json.AuthHeaderName))
        {
            request.Headers.TryAddWithoutValidation(_json.AuthHeaderName, _json.AuthHeaderValue ?? "");
        }

        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        return request;
    }

    /// <summary>Evidence keeps the URL without its query when the template might carry a key in it.</summary>
    protected override string? RedactedUrl(Uri? uri) =>
        uri is null ? null : _json.UrlTemplate?.Contains("key", StringComparison.OrdinalIgnoreCase) == true ? uri.GetLeftPart(UriPartial.Path) : uri.ToString();

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    public static UnknownReason? DetectBlockPage(PlatformResponse response) => BlockSignals.HtmlInsteadOfJson(response);

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!TryParseJson(response, out var json, out var unreadable))
        {
            return unreadable;
        }

        using (json)
        {
            var root = json.RootElement;
            if (_success is not null)
            {
                var value = _success.First(root);
                if (value is null || !_json.SuccessValues.Contains(Scalar(value.Value) ?? "", StringComparer.OrdinalIgnoreCase))
                {
                    return Unknown(UnknownReason.PlatformError, response, $"{_success} is {(value is null ? "missing" : Scalar(value.Value) ?? value.Value.ValueKind.ToString())}, not a success value.");
                }
            }

            List<JsonElement> items;
            if (_array is not null)
            {
                var arrays = _array.Evaluate(root).ToList();
                if (arrays.Count == 0)
                {
                    return Unknown(UnknownReason.UnrecognisedLayout, response, $"{_array} is missing.");
                }

                items = arrays.SelectMany(a => a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : (IEnumerable<JsonElement>)[a]).ToList();
                if (items.Count == 0)
                {
                    return _json.EmptyArrayIsClean
                        ? Clean(response, PageText.RawExcerpt(response.Text), $"{_array} is empty.")
                        : Unknown(UnknownReason.UnrecognisedLayout, response, $"{_array} is empty and EmptyArrayIsClean is off.");
                }
            }
            else
            {
                items = [root];
            }

            var readings = items.Select(ReadItem).ToList();
            var labeled = readings.Where(r => r.Kind == ItemKind.Labeled).ToList();
            if (labeled.Count > 0)
            {
                var worst = labeled.MaxBy(r => Taxonomy.Rank(r.Category))!;
                var detail = labeled.Count > 1 ? "All labels: " + string.Join("; ", labeled.Select(l => l.Source is null ? l.Label : $"{l.Source}: {l.Label}")) : null;
                return Labeled(response, worst.Label!, worst.Count, worst.Source, worst.Excerpt, worst.Category, detail);
            }

            if (readings.All(r => r.Kind == ItemKind.Clean))
            {
                return Clean(response, PageText.RawExcerpt(response.Text), "Every element says no label.");
            }

            var why = readings.First(r => r.Kind == ItemKind.Unreadable).Why;
            return Unknown(UnknownReason.UnrecognisedLayout, response, why ?? "An element could not be read.");
        }
    }

    private ItemReading ReadItem(JsonElement item)
    {
        var labelElement = _label?.First(item);
        var label = labelElement is { } l ? Scalar(l) : null;
        var categoryText = _category?.First(item) is { } c ? Scalar(c) : null;
        var source = _source?.First(item) is { } s ? Scalar(s) : null;
        int? count = _count?.First(item) is { } n ? Count(n) : null;
        var excerpt = PageText.RawExcerpt(item.GetRawText());

        var noLabelValue = "";
        var hasNoLabelMarker = false;
        if (_noLabel?.First(item) is { } marker)
        {
            hasNoLabelMarker = true;
            noLabelValue = Scalar(marker) ?? "";
        }

        var saysNoLabel = hasNoLabelMarker && _json.NoLabelValues.Contains(noLabelValue, StringComparer.OrdinalIgnoreCase);

        var sameField = _noLabel is not null && _label is not null && _noLabel.Text == _label.Text;
        if (!string.IsNullOrWhiteSpace(label) && saysNoLabel && !sameField)
        {
            return new ItemReading(ItemKind.Unreadable, null, LabelCategory.Other, null, source, excerpt,
                $"{_noLabel} says no label but {_label} is '{label}': contradictory answer.");
        }

        if (!string.IsNullOrWhiteSpace(label) && !saysNoLabel)
        {
            return new ItemReading(ItemKind.Labeled, label.Trim(), Resolve(label, categoryText), count, source, excerpt, null);
        }

        if (saysNoLabel)
        {
            return new ItemReading(ItemKind.Clean, null, LabelCategory.Other, null, source, excerpt, null);
        }

        if (hasNoLabelMarker)
        {
            // The marker says "labeled" but there is no label text: a category alone still is a label.
            return string.IsNullOrWhiteSpace(categoryText)
                ? new ItemReading(ItemKind.Unreadable, null, LabelCategory.Other, null, source, excerpt, $"{_noLabel} is '{noLabelValue}' but no label text was found.")
                : new ItemReading(ItemKind.Labeled, categoryText.Trim(), Resolve(categoryText, null), count, source, excerpt, null);
        }

        if (_noLabel is null && labelElement is { } present && (present.ValueKind == JsonValueKind.Null || string.IsNullOrWhiteSpace(label)))
        {
            // Without a marker, a label field that is present and empty is the vendor's "no label".
            return new ItemReading(ItemKind.Clean, null, LabelCategory.Other, null, source, excerpt, null);
        }

        return new ItemReading(ItemKind.Unreadable, null, LabelCategory.Other, null, source, excerpt,
            _noLabel is null ? $"{_label} is missing." : $"Neither {_label} nor {_noLabel} could be read.");
    }

    private LabelCategory Resolve(string label, string? categoryText)
    {
        foreach (var candidate in new[] { categoryText, label })
        {
            if (!string.IsNullOrWhiteSpace(candidate) && _labelMap.TryGetValue(LabelTaxonomy.Normalise(candidate), out var mapped))
            {
                return mapped;
            }
        }

        if (!string.IsNullOrWhiteSpace(categoryText))
        {
            var byCategory = Taxonomy.Classify(PlatformId, categoryText);
            if (byCategory.IsMapped)
            {
                return byCategory.Category;
            }
        }

        return Taxonomy.Classify(PlatformId, label).Category;
    }

    private static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => element.GetRawText(),
    };

    private static int? Count(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt32(out var n) => n,
        JsonValueKind.String => PageText.FirstInteger(element.GetString()),
        _ => null,
    };

    private static string Fill(string template, CanonicalNumber number, Func<string, string> encode) => template
        .Replace("{e164}", encode(number.E164), StringComparison.OrdinalIgnoreCase)
        .Replace("{national}", encode(number.NationalDialString), StringComparison.OrdinalIgnoreCase)
        .Replace("{digits}", encode(number.E164.TrimStart('+')), StringComparison.OrdinalIgnoreCase)
        .Replace("{countrycode}", encode(number.CountryCode.ToString(CultureInfo.InvariantCulture)), StringComparison.OrdinalIgnoreCase);

    private static JsonPath? Optional(string? path) => string.IsNullOrWhiteSpace(path) ? null : JsonPath.Parse(path);

    private enum ItemKind
    {
        Labeled,
        Clean,
        Unreadable,
    }

    private sealed record ItemReading(ItemKind Kind, string? Label, LabelCategory Category, int? Count, string? Source, string Excerpt, string? Why);
}
