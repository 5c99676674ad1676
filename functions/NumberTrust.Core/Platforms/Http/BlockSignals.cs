using System.Net;
using System.Text.RegularExpressions;

namespace NumberTrust.Platforms;

/// <summary>Cheap checks on raw answers, shared by the adapters' block and captcha detection.</summary>
public static partial class BlockSignals
{
    /// <summary>The text of the first <c>&lt;title&gt;</c>, or empty.</summary>
    public static string Title(string html)
    {
        var match = TitleTag().Match(html.Length > 16_384 ? html[..16_384] : html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["title"].Value).Trim() : "";
    }

    public static bool IsRedirect(PlatformResponse response) => response.StatusCode is >= 300 and < 400;

    public static bool RedirectsTo(PlatformResponse response, params string[] fragments) =>
        IsRedirect(response) && response.Location is { } location &&
        fragments.Any(f => location.OriginalString.Contains(f, StringComparison.OrdinalIgnoreCase));

    /// <summary>Generic captcha vocabulary (Chinese and English) in a page.</summary>
    public static bool HasCaptchaMarkers(string text) =>
        text.Contains("captcha", StringComparison.OrdinalIgnoreCase) || text.Contains("验证码", StringComparison.Ordinal) ||
        text.Contains("安全验证", StringComparison.Ordinal) || text.Contains("人机验证", StringComparison.Ordinal) ||
        text.Contains("cf-challenge", StringComparison.OrdinalIgnoreCase) || text.Contains("challenge-form", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The frame of an HTML site's block check: a redirect to a URL holding one of <paramref name="captchaRedirects"/> is Captcha,
    /// a readable page is judged by <paramref name="page"/>, and an HTML 403 it did not judge is Blocked.
    /// </summary>
    public static UnknownReason? HtmlBlockPage(PlatformResponse response, string[] captchaRedirects, Func<string, UnknownReason?> page)
    {
        if (RedirectsTo(response, captchaRedirects))
        {
            return UnknownReason.Captcha;
        }

        if (response.IsEmpty || !response.IsDecodable)
        {
            return null;
        }

        if (page(response.Text) is { } reason)
        {
            return reason;
        }

        var html = response.IsHtml || response.Text.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal);
        return response.StatusCode == 403 && html ? UnknownReason.Blocked : null;
    }

    /// <summary>For JSON APIs: an HTML page in place of JSON (a gateway, WAF or login page) on a 2xx or 403 answer.</summary>
    public static UnknownReason? HtmlInsteadOfJson(PlatformResponse response)
    {
        if (response.StatusCode is >= 500 || response.IsEmpty || !response.IsDecodable)
        {
            return null;
        }

        var looksHtml = response.IsHtml || response.Text.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal);
        if (!looksHtml || (response.StatusCode is not (>= 200 and < 300) and not 403))
        {
            return null;
        }

        return HasCaptchaMarkers(response.Text) ? UnknownReason.Captcha : UnknownReason.Blocked;
    }

    [GeneratedRegex(@"<title[^>]*>(?<title>.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TitleTag();
}
