using NumberTrust.Labels;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>百度号码认证平台 (haoma.baidu.com/phoneSearch): user marks, or a verified business name, or a plain location card.</summary>
public sealed class BaiduHaomaAdapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    public const string UserMarkType = "用户标记";

    protected override Uri DefaultBaseUrl => new("https://haoma.baidu.com");

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 86;

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl) =>
        ChineseHtmlGet(baseUrl, $"/phoneSearch?search={Uri.EscapeDataString(number.NationalDialString)}");

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    public static UnknownReason? DetectBlockPage(PlatformResponse response)
    {
        // Same Baidu account and anti-bot front door as web search.
        if (BaiduAdapter.DetectBlockPage(response) is { } baidu)
        {
            return baidu;
        }

        if (response.IsEmpty || !response.IsDecodable || !response.IsHtml)
        {
            return null;
        }

        var title = BlockSignals.Title(response.Text);
        return title.Contains("验证", StringComparison.Ordinal) && BlockSignals.HasCaptchaMarkers(response.Text) ? UnknownReason.Captcha : null;
    }

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!response.IsHtml)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Expected an HTML page, got {response.MediaType ?? "no content type"}.");
        }

        var complete = PageText.IsCompleteHtml(response.Text);
        var document = PageText.ParseHtml(response.Text);
        var report = document.QuerySelector(".report-wrapper");
        if (report is not null)
        {
            if (!complete)
            {
                return Unknown(UnknownReason.Truncated, response, "The page is cut off inside or after the report card.");
            }

            var tags = report.QuerySelectorAll(".res-tag").Select(PageText.TextOf).Where(t => t.Length > 0).ToList();
            var type = PageText.TextOf(report.QuerySelector(".report-type"));
            var excerpt = PageText.TextOf(report);
            if (report.QuerySelector(".res-tag img") is not null && tags.Count == 0)
            {
                return Unknown(UnknownReason.ImageLabel, response, "The report card shows its tag as an image.");
            }

            if (tags.Count == 0)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "A report card without any tag text.");
            }

            var count = PageText.FirstInteger(PageText.TextOf(report.QuerySelector(".report-text")));
            if (type == UserMarkType)
            {
                var worst = tags.MaxBy(t => Taxonomy.Rank(Taxonomy.Classify(PlatformId, t).Category))!;
                var others = tags.Count > 1 ? $"All tags: {string.Join(", ", tags)}." : null;
                return Labeled(response, worst, count, null, excerpt, detail: others);
            }

            if (type.Length > 0)
            {
                // Not a user mark: a verified business name (企业认证 and similar) is the number's displayed identity, not a label.
                return Clean(response, excerpt, $"Verified name ({type}), no user mark.") with { Identity = new DisplayedIdentity(tags[0], type, Certified: true) };
            }

            return Unknown(UnknownReason.UnrecognisedLayout, response, "A report card without a report type.");
        }

        var locationCard = document.QuerySelector(".card.tel-info .location-operator");
        var marked = document.QuerySelectorAll(".card").Any(c => PageText.MentionsMarking(c.TextContent));
        if (marked)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, "A card mentions a mark but has no report card this adapter reads.");
        }

        if (!complete)
        {
            return Unknown(UnknownReason.Truncated, response, "The page is cut off (no closing </html>).");
        }

        return locationCard is not null
            ? Clean(response, PageText.TextOf(document.QuerySelector(".card.tel-info")), "Location card only, no report card.")
            : Unknown(UnknownReason.UnrecognisedLayout, response, "Neither a report card nor the location card.");
    }
}
