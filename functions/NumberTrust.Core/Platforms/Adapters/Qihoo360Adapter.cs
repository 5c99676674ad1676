using System.Text.RegularExpressions;
using AngleSharp.Dom;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// 360 search (so.com) number card, 360手机卫士 data. Layouts: newer <c>mh-tel-mark</c>; older <c>mohe-tips</c> and the yellow-pages
/// <c>mh-hy-tips</c> variant (label in <c>.mohe-ph-mark</c>); image labels are Unknown(ImageLabel); Clean only for the
/// <c>mh-search</c> no-label container inside <c>#mohe-mobilecheck</c>.
/// </summary>
public sealed partial class Qihoo360Adapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    protected override Uri DefaultBaseUrl => new("https://www.so.com");

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 86;

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl) =>
        ChineseHtmlGet(baseUrl, $"/s?q={Uri.EscapeDataString(number.NationalDialString)}");

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    /// <summary>A title containing 异常 (captcha when the page asks for a code), a redirect to a captcha, or a 403 page.</summary>
    public static UnknownReason? DetectBlockPage(PlatformResponse response) =>
        BlockSignals.HtmlBlockPage(response, ["captcha", "antispider"], text =>
            !BlockSignals.Title(text).Contains("异常", StringComparison.Ordinal) ? null
            : BlockSignals.HasCaptchaMarkers(text) ? UnknownReason.Captcha
            : UnknownReason.Blocked);

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!response.IsHtml)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Expected an HTML results page, got {response.MediaType ?? "no content type"}.");
        }

        var complete = PageText.IsCompleteHtml(response.Text);
        var document = PageText.ParseHtml(response.Text);
        var card = document.QuerySelector("#mohe-mobilecheck");
        if (card is null)
        {
            return complete
                ? Unknown(UnknownReason.UnrecognisedLayout, response, "No #mohe-mobilecheck number card on the page.")
                : Unknown(UnknownReason.Truncated, response, "The page is cut off before the number card.");
        }

        var read = ReadNewer(card) ?? ReadOlder(card);
        if (read is { } mark)
        {
            return complete
                ? Labeled(response, mark.Label, mark.Count, mark.Source, PageText.TextOf(card))
                : Unknown(UnknownReason.Truncated, response, $"The page is cut off; a label '{mark.Label}' was partly visible.");
        }

        if (card.QuerySelector(".mh-hy-img, .mohe-tips strong img, .mh-tel-mark img, .mohe-ph-mark img") is not null)
        {
            return Unknown(UnknownReason.ImageLabel, response, "The card shows the label or business name as an image.");
        }

        if (card.QuerySelector(".mh-tel-mark, .mohe-ph-mark, .mohe-tips, .mh-hy-tips, .mh-tel-desc") is not null || PageText.MentionsMarking(card.TextContent))
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, "The card mentions a mark but its label cannot be read.");
        }

        if (!complete)
        {
            return Unknown(UnknownReason.Truncated, response, "The page is cut off (no closing </html>).");
        }

        var noLabel = card.QuerySelector(".mh-search");
        return noLabel is not null
            ? Clean(response, PageText.TextOf(card), "The mh-search no-label card.")
            : Unknown(UnknownReason.UnrecognisedLayout, response, "A number card in a layout this adapter does not know.");
    }

    private static Mark? ReadNewer(IElement card)
    {
        var markElement = card.QuerySelector(".mh-tel-mark");
        var label = PageText.TextOf(markElement);
        if (markElement is null || label.Length == 0)
        {
            return null;
        }

        var desc = PageText.TextOf(card.QuerySelector(".mh-tel-desc"));
        var count = ParseCount(card.QuerySelector(".mh-tel-desc b") ?? card.QuerySelector(".mohe-tips-zp b"), desc);
        var source = Source().Match(desc);
        return new Mark(label, count, source.Success ? source.Groups["source"].Value.Trim() : null);
    }

    private static Mark? ReadOlder(IElement card)
    {
        var markElement = card.QuerySelector(".mohe-ph-mark");
        var label = PageText.TextOf(markElement);
        if (markElement is null || label.Length == 0)
        {
            return null;
        }

        var yellowPages = card.QuerySelector(".mh-hy-tips") is not null;
        var countElement = yellowPages
            ? card.QuerySelector(".mohe-tips.mh-ws-hy span:nth-of-type(2) b")
            : card.QuerySelector(".mohe-tips span:nth-of-type(2) b");
        var tips = PageText.TextOf(card.QuerySelector(".mohe-tips"));
        var sourceElement = PageText.TextOf(card.QuerySelector(".mohe-sjws"));
        var source = sourceElement.Length > 0 ? sourceElement : Source().Match(tips) is { Success: true } m ? m.Groups["source"].Value.Trim() : null;
        return new Mark(label, ParseCount(countElement, tips), source);
    }

    private static int? ParseCount(IElement? bold, string fallbackText)
    {
        var fromBold = PageText.FirstInteger(PageText.TextOf(bold));
        if (fromBold is not null)
        {
            return fromBold;
        }

        var match = CountText().Match(fallbackText);
        return match.Success ? int.Parse(match.Groups["count"].Value) : null;
    }

    private readonly record struct Mark(string Label, int? Count, string? Source);

    [GeneratedRegex(@"被\s*\d+\s*位(?<source>.+?)用户标记")]
    private static partial Regex Source();

    [GeneratedRegex(@"被\s*(?<count>\d+)\s*位")]
    private static partial Regex CountText();
}
