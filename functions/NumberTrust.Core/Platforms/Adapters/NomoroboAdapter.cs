using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// Nomorobo lookup page <c>/lookup/XXX-XXX-XXXX</c>, NANP numbers only. <c>.profile-preword</c> SCAM / ROBOCALL = Labeled with the
/// category the page states (a <c>SEVERE</c> rating is kept as the result's severity, not turned into a fraud finding), UNKNOWN =
/// Clean; Nomorobo's own 404 page = Clean (the number is not in its database).
/// </summary>
public sealed class NomoroboAdapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    protected override Uri DefaultBaseUrl => new("https://www.nomorobo.com");

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 1 && number.NationalNumber.Length == 10;

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl)
    {
        var n = number.NationalNumber;
        var request = new HttpRequestMessage(HttpMethod.Get, PlatformBaseUrl.Combine(baseUrl, $"/lookup/{n[..3]}-{n[3..6]}-{n[6..]}"));
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml");
        return request;
    }

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    /// <summary>Challenge / captcha pages in front of the site, and 403 pages.</summary>
    public static UnknownReason? DetectBlockPage(PlatformResponse response)
    {
        if (BlockSignals.RedirectsTo(response, "captcha", "challenge"))
        {
            return UnknownReason.Captcha;
        }

        if (response.IsEmpty || !response.IsDecodable)
        {
            return null;
        }

        var title = BlockSignals.Title(response.Text);
        if (BlockSignals.HasCaptchaMarkers(response.Text) || title.StartsWith("Just a moment", StringComparison.OrdinalIgnoreCase))
        {
            return UnknownReason.Captcha;
        }

        return response.StatusCode == 403 || title.Contains("Access denied", StringComparison.OrdinalIgnoreCase) || title.Contains("Attention Required", StringComparison.OrdinalIgnoreCase)
            ? UnknownReason.Blocked
            : null;
    }

    protected override LookupResult? InterpretStatus(PlatformResponse response, CanonicalNumber number)
    {
        if (response.StatusCode != 404)
        {
            return null;
        }

        if (response.IsEmpty)
        {
            return Unknown(UnknownReason.EmptyBody, response, "HTTP 404 without a body.");
        }

        if (!response.IsDecodable)
        {
            return Unknown(UnknownReason.Undecodable, response, "HTTP 404 with an unreadable body.");
        }

        if (response.IsHtml && !PageText.IsCompleteHtml(response.Text))
        {
            return Unknown(UnknownReason.Truncated, response, "HTTP 404 page cut off.");
        }

        // Only Nomorobo's own, complete "not found" page is a positive "no record"; a bare 404 from anything else is not.
        var own = response.IsHtml && PageText.IsCompleteHtml(response.Text) &&
                  BlockSignals.Title(response.Text).Contains("Nomorobo", StringComparison.OrdinalIgnoreCase) &&
                  PageText.ParseHtml(response.Text).QuerySelector(".lookup-not-found, .profile-not-found") is not null;
        return own
            ? Clean(response, PageText.PageExcerpt(PageText.ParseHtml(response.Text)), "Nomorobo has no record of this number (404 lookup page).")
            : Unknown(UnknownReason.HttpError, response, "HTTP 404 that is not Nomorobo's lookup page.");
    }

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!response.IsHtml)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, $"Expected an HTML page, got {response.MediaType ?? "no content type"}.");
        }

        if (!PageText.IsCompleteHtml(response.Text))
        {
            return Unknown(UnknownReason.Truncated, response, "The page is cut off (no closing </html>).");
        }

        var document = PageText.ParseHtml(response.Text);
        var preword = PageText.TextOf(document.QuerySelector(".profile-preword")).ToUpperInvariant();
        if (preword.Length == 0)
        {
            return Unknown(UnknownReason.UnrecognisedLayout, response, "No .profile-preword on the page.");
        }

        var severe = document.QuerySelectorAll(".profile-list .label").Any(l => PageText.TextOf(l).Equals("SEVERE", StringComparison.OrdinalIgnoreCase));
        var reason = PageText.TextOf(document.QuerySelector(".profile-title"));
        var excerpt = $"{preword} {reason} {(severe ? "SEVERE" : "")}";
        if (preword == "UNKNOWN")
        {
            return severe
                ? Unknown(UnknownReason.UnrecognisedLayout, response, "UNKNOWN caller with a SEVERE rating: contradictory page.")
                : Clean(response, excerpt, "Nomorobo lists the number as UNKNOWN (not a robocaller).");
        }

        return Labeled(response, preword, null, null, excerpt, detail: reason.Length > 0 ? reason : null, severity: severe ? "severe" : null);
    }
}
