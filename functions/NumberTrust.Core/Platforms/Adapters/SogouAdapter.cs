using System.Text.Json;
using System.Text.RegularExpressions;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// Sogou 号码通: the JSONP <c>vrapi</c> (<see cref="PlatformOptions.Variant"/> <c>api</c>, default) or the web results page
/// (<c>web</c>: inline <c>queryphoneinfo</c> script, or the older <c>haoma-tag</c> markup, often GBK).
/// </summary>
public sealed partial class SogouAdapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    public const string Callback = "show";
    private const string HaomatongPrefix = "号码通用户数据";
    private static readonly char[] Colons = ['：', ':'];

    private bool UsesWeb => string.Equals(Options.Variant, "web", StringComparison.OrdinalIgnoreCase);

    protected override Uri DefaultBaseUrl => new("https://www.sogou.com");

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 86;

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl)
    {
        var query = Uri.EscapeDataString(number.NationalDialString);
        var pathAndQuery = UsesWeb
            ? $"/web?query={query}"
            : $"/reventondc/inner/vrapi?number={query}&type=json&callback={Callback}&isSogoDomain=1";
        return ChineseHtmlGet(baseUrl, pathAndQuery, acceptHtml: false);
    }

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    /// <summary>Sogou's anti-spider redirect or page, captcha pages, and 403 pages.</summary>
    public static UnknownReason? DetectBlockPage(PlatformResponse response) =>
        BlockSignals.HtmlBlockPage(response, ["antispider", "captcha"], text =>
            text.Contains("antispider", StringComparison.OrdinalIgnoreCase) || text.Contains("异常访问请求", StringComparison.Ordinal) ||
            (text.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal) || response.IsHtml) && BlockSignals.Title(text).Contains("验证", StringComparison.Ordinal)
                ? UnknownReason.Captcha
                : null);

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number) =>
        UsesWeb || response.IsHtml ? ParseWeb(response) : ParseJsonp(response);

    private LookupResult ParseJsonp(PlatformResponse response)
    {
        var body = response.Text.Trim();
        var open = Callback + "(";
        if (!body.StartsWith(open, StringComparison.Ordinal))
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, "Not a show(...) JSONP answer.");
        }

        var end = body.EndsWith(");", StringComparison.Ordinal) ? body.Length - 2 : body.EndsWith(')') ? body.Length - 1 : -1;
        if (end < 0)
        {
            return Unknown(UnknownReason.Truncated, response, "The JSONP answer is cut off (no closing parenthesis).");
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body[open.Length..end]);
        }
        catch (JsonException e)
        {
            return Unknown(UnknownReason.Truncated, response, "The JSONP payload is not complete JSON: " + e.Message);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "The JSONP payload is not an object.");
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind is not (JsonValueKind.Null or JsonValueKind.False) ||
                root.TryGetProperty("errorCode", out var code) && !(code.ValueKind == JsonValueKind.Number && code.GetInt32() == 0 || code.ValueKind == JsonValueKind.String && code.GetString() is "0" or ""))
            {
                return Unknown(UnknownReason.PlatformError, response, "The vrapi answered with an error.");
            }

            if (!root.TryGetProperty("NumInfo", out var info))
            {
                // "No NumInfo = no label" holds for the known answer; an answer that carries mark-like data elsewhere is a new layout.
                return MarkLikeContent(root) is { } found
                    ? Unknown(UnknownReason.UnrecognisedLayout, response, $"No NumInfo, but the answer carries mark-like data ({found}).")
                    : Clean(response, PageText.RawExcerpt(body), "No NumInfo in the vrapi answer.");
            }

            if (info.ValueKind == JsonValueKind.Null || info.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(info.GetString()))
            {
                return Clean(response, PageText.RawExcerpt(body), "Empty NumInfo in the vrapi answer.");
            }

            if (info.ValueKind != JsonValueKind.String)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "NumInfo is not a string.");
            }

            var text = info.GetString() ?? "";
            return FromInfoString(response, text, null, PageText.RawExcerpt(text));
        }
    }

    private LookupResult ParseWeb(PlatformResponse response)
    {
        if (!response.IsHtml)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Expected an HTML results page, got {response.MediaType ?? "no content type"}.");
        }

        var complete = PageText.IsCompleteHtml(response.Text);
        var document = PageText.ParseHtml(response.Text);
        var source = PageText.TextOf(document.QuerySelector(".jzVrMsg a"));

        var script = document.QuerySelectorAll("script").Select(s => s.TextContent).FirstOrDefault(s => s.Contains("queryphoneinfo", StringComparison.Ordinal));
        if (script is not null)
        {
            var match = PhoneInfo().Match(script);
            if (!match.Success)
            {
                return Unknown(complete ? UnknownReason.UnrecognisedLayout : UnknownReason.Truncated, response, "queryphoneinfo is present but its value cannot be read.");
            }

            if (!complete)
            {
                return Unknown(UnknownReason.Truncated, response, "The page is cut off.");
            }

            var value = Regex.Unescape(match.Groups["info"].Value);
            return string.IsNullOrWhiteSpace(value)
                ? Clean(response, document.Title ?? "", "queryphoneinfo is empty.")
                : FromInfoString(response, value, source.Length > 0 ? source : null, value);
        }

        var tag = document.QuerySelector(".haoma-tag");
        if (tag is not null)
        {
            if (!complete)
            {
                return Unknown(UnknownReason.Truncated, response, "The page is cut off.");
            }

            var label = PageText.TextOf(tag);
            if (label.Length == 0)
            {
                return tag.QuerySelector("img") is not null
                    ? Unknown(UnknownReason.ImageLabel, response, "The haoma-tag label is an image.")
                    : Unknown(UnknownReason.UnrecognisedLayout, response, "An empty haoma-tag.");
            }

            var container = tag.ParentElement ?? tag;
            var link = PageText.TextOf(container.QuerySelector(".haoma-link"));
            var countText = PageText.TextOf(container.QuerySelector(".haoma-count"));
            var count = PageText.FirstInteger(countText.Length > 0 ? countText : container.TextContent.Replace(label, "", StringComparison.Ordinal));
            return Labeled(response, label, count, link.Length > 0 ? link : source.Length > 0 ? source : null, PageText.TextOf(container));
        }

        if (document.QuerySelector("[class*='haoma'], .vrwrap [class*='phone']") is { } other && PageText.MentionsMarking(other.TextContent))
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, "A number card mentions a mark but its layout is unknown.");
        }

        if (!complete)
        {
            return Unknown(UnknownReason.Truncated, response, "The page is cut off (no closing </html>).");
        }

        var title = document.Title ?? "";
        var isResults = title.Contains("搜狗搜索", StringComparison.Ordinal) && document.QuerySelector("#main, .results") is not null;
        return isResults
            ? Clean(response, title, "A normal Sogou results page without a 号码通 card.")
            : Unknown(UnknownReason.UnrecognisedLayout, response, "Not a recognisable Sogou results page.");
    }

    /// <summary>A property or value anywhere in the answer that looks like a mark: a tag/label/mark field with a value, or label text.</summary>
    private string? MarkLikeContent(JsonElement element, string? name = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (MarkLikeContent(property.Value, property.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(e => MarkLikeContent(e, name)).FirstOrDefault(f => f is not null);
            case JsonValueKind.String:
                var text = element.GetString() ?? "";
                var markName = name is not null && MarkNames.Any(m => name.Contains(m, StringComparison.OrdinalIgnoreCase));
                if ((markName && text.Length > 0) || PageText.MentionsMarking(text) || (text.Length > 0 && Taxonomy.Classify(PlatformId, text).IsMapped))
                {
                    return $"{name}: {PageText.Excerpt(text, 40)}";
                }

                return null;
            case JsonValueKind.Number or JsonValueKind.True:
                return name is not null && MarkNames.Any(m => name.Contains(m, StringComparison.OrdinalIgnoreCase)) && element.GetRawText() is not ("0" or "false")
                    ? $"{name}: {element.GetRawText()}"
                    : null;
            default:
                return null;
        }
    }

    private static readonly string[] MarkNames = ["tag", "mark", "label"];

    /// <summary><c>号码通用户数据：&lt;label&gt;：&lt;count…&gt;</c>, split on the (full-width) colon.</summary>
    private LookupResult FromInfoString(PlatformResponse response, string info, string? source, string excerpt)
    {
        var parts = info.Split(Colons, StringSplitOptions.TrimEntries);
        var hasPrefix = parts.Length > 0 && parts[0].Contains(HaomatongPrefix, StringComparison.Ordinal);
        var label = hasPrefix ? parts.ElementAtOrDefault(1) : parts.Length >= 2 ? parts[1] : null;
        if (string.IsNullOrWhiteSpace(label))
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Cannot read a label from '{PageText.Excerpt(info, 80)}'.");
        }

        var count = PageText.FirstInteger(parts.ElementAtOrDefault(2));
        return Labeled(response, label, count, source ?? (hasPrefix ? "搜狗号码通" : null), excerpt);
    }

    [GeneratedRegex(@"queryphoneinfo\s*(?:=|:|\()\s*(?<q>[""'])(?<info>(?:\\.|(?!\k<q>).)*)\k<q>", RegexOptions.Singleline)]
    private static partial Regex PhoneInfo();
}
