using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// Baidu web search number card (百度手机卫士 / 电话邦 data), desktop, mobile and wap markup. The request variant is configured
/// (<see cref="PlatformOptions.Variant"/>); every markup is recognised on any answer.
/// </summary>
public sealed partial class BaiduAdapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    private string Variant => (Options.Variant ?? "desktop").ToLowerInvariant();

    protected override Uri DefaultBaseUrl => Variant switch
    {
        "mobile" => new Uri("https://m.baidu.com"),
        "wap" => new Uri("http://wap.baidu.com"),
        _ => new Uri("https://www.baidu.com"),
    };

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 86;

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl)
    {
        var query = Uri.EscapeDataString(number.NationalDialString);
        var pathAndQuery = Variant switch
        {
            "mobile" => $"/s?ie=UTF-8&wd={query}",
            "wap" => $"/s?word={query}",
            _ => $"/s?wd={query}",
        };
        return ChineseHtmlGet(baseUrl, pathAndQuery);
    }

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    /// <summary>302 to wappass captcha, a 百度安全验证 page, or the 网络不给力 page.</summary>
    public static UnknownReason? DetectBlockPage(PlatformResponse response) =>
        BlockSignals.HtmlBlockPage(response, ["wappass.baidu.com", "captcha"], text =>
            BlockSignals.Title(text).Contains("百度安全验证", StringComparison.Ordinal) ? UnknownReason.Captcha
            : text.Contains("网络不给力，请稍后重试", StringComparison.Ordinal) || text.Contains("网络不给力,请稍后重试", StringComparison.Ordinal) ? UnknownReason.Blocked
            : null);

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!response.IsHtml)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Expected an HTML results page, got {response.MediaType ?? "no content type"}.");
        }

        var complete = PageText.IsCompleteHtml(response.Text);
        var document = PageText.ParseHtml(response.Text);
        var card = ReadDesktop(document) ?? ReadMobile(document) ?? ReadWap(document);
        if (card is { } found)
        {
            if (!complete)
            {
                return Unknown(UnknownReason.Truncated, response, $"The page is cut off; a label '{found.Label}' was partly visible.");
            }

            return found.Label.Length == 0
                ? Unknown(UnknownReason.UnrecognisedLayout, response, "A number card is present but its label text is empty.")
                : Labeled(response, found.Label, found.Count, found.Source, found.Excerpt);
        }

        if (document.QuerySelector("[class*='fraudphone'] img") is not null)
        {
            return Unknown(UnknownReason.ImageLabel, response, "The number card shows its label as an image.");
        }

        // A mark mentioned in a card we could not read is never Clean.
        var unreadable = document.QuerySelectorAll("[class*='fraudphone'], .result-op, .c-container, .c-result")
            .FirstOrDefault(e => e.TextContent.Contains("用户标记", StringComparison.Ordinal) || e.ClassName?.Contains("fraudphone", StringComparison.Ordinal) == true);
        if (unreadable is not null)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, "A number card mentions a mark but its layout is not one this adapter reads.");
        }

        if (!complete)
        {
            return Unknown(UnknownReason.Truncated, response, "The page is cut off (no closing </html>).");
        }

        if (IsResultsPage(document))
        {
            var location = PageText.TextOf(document.QuerySelector(".op_fraudphone_addr, .op_mobilephone_r, .c-span-last"));
            return Clean(response, $"{document.Title} {location}", "A normal Baidu results page with no number-mark card.");
        }

        return Unknown(UnknownReason.UnrecognisedLayout, response, "Not a recognisable Baidu results page.");
    }

    /// <summary>A Baidu SERP: title of the form "…_百度搜索" or "… - 百度" and a results container.</summary>
    private static bool IsResultsPage(IHtmlDocument document)
    {
        var title = document.Title ?? "";
        var baiduTitle = title.EndsWith("_百度搜索", StringComparison.Ordinal) || title.EndsWith("- 百度", StringComparison.Ordinal) || title.EndsWith("-百度", StringComparison.Ordinal);
        return baiduTitle && document.QuerySelector("#content_left, #results") is not null;
    }

    private static Card? ReadDesktop(IHtmlDocument document)
    {
        var word = document.QuerySelector(".op_fraudphone_word");
        if (word is null)
        {
            // A card variant carries only the label element, without the count or source line: the label is still readable.
            return document.QuerySelector(".op_fraudphone_label") is { } only && PageText.TextOf(only) is { Length: > 0 } text
                ? new Card(text, null, null, PageText.TextOf(only.Closest(".result-op, .c-container, .result") ?? only.ParentElement ?? only))
                : null;
        }

        var container = word.Closest(".result-op, .c-container, .result") ?? word.ParentElement ?? word;
        var wordText = PageText.TextOf(word);
        var label = PageText.TextOf(container.QuerySelector(".op_fraudphone_label"));
        var markedAs = MarkedAs().Match(wordText);
        if (label.Length == 0 && markedAs.Success)
        {
            label = markedAs.Groups["label"].Value.Trim();
        }

        var count = Count().Match(wordText);
        var source = PageText.TextOf(word.QuerySelector("a"));
        if (source.Length == 0 && count.Success)
        {
            source = count.Groups["source"].Value.Trim();
        }

        return new Card(label, count.Success ? int.Parse(count.Groups["count"].Value) : null, source.Length == 0 ? null : source, PageText.TextOf(container));
    }

    private static Card? ReadMobile(IHtmlDocument document)
    {
        foreach (var container in document.QuerySelectorAll("div.c-container"))
        {
            foreach (var gray in container.QuerySelectorAll("p.c-color-gray"))
            {
                var match = MobileMark().Match(PageText.TextOf(gray));
                if (!match.Success)
                {
                    continue;
                }

                var label = PageText.TextOf(container.QuerySelector("i"));
                if (label.Length == 0)
                {
                    label = match.Groups["label"].Value.Trim();
                }

                return new Card(label, int.Parse(match.Groups["count"].Value), match.Groups["source"].Value.Trim(), PageText.TextOf(container));
            }
        }

        return null;
    }

    private static Card? ReadWap(IHtmlDocument document)
    {
        var font = document.QuerySelector(".wa-fraudphone-font");
        if (font is null)
        {
            return null;
        }

        var container = font.Closest(".c-result, .c-container, .result") ?? font.ParentElement ?? font;
        var gray = PageText.TextOf(container.QuerySelector(".c-color-gray"));
        var label = PageText.TextOf(font);
        var markedAs = MarkedAs().Match(gray);
        if (label.Length == 0 && markedAs.Success)
        {
            label = markedAs.Groups["label"].Value.Trim();
        }

        var count = Count().Match(gray);
        return new Card(label, count.Success ? int.Parse(count.Groups["count"].Value) : null,
            count.Success && count.Groups["source"].Value.Trim().Length > 0 ? count.Groups["source"].Value.Trim() : null, PageText.TextOf(container));
    }

    private readonly record struct Card(string Label, int? Count, string? Source, string Excerpt);

    [GeneratedRegex(@"被\s*(?<count>\d+)\s*个(?<source>.*?)用户标记")]
    private static partial Regex Count();

    [GeneratedRegex(@"标记为\s*[""“'「]?(?<label>[^""”'」,，。.!！]+)")]
    private static partial Regex MarkedAs();

    [GeneratedRegex(@"被\s*(?<count>\d+)\s*个(?<source>.*?)用户标记为\s*[""“'「]?(?<label>[^""”'」,，。]+)")]
    private static partial Regex MobileMark();
}
