using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace NumberTrust.Platforms;

/// <summary>HTML and text helpers shared by the page-reading adapters.</summary>
public static partial class PageText
{
    public const int MaxExcerpt = 300;

    private static readonly HtmlParser Parser = new();

    public static IHtmlDocument ParseHtml(string html) => Parser.ParseDocument(html);

    /// <summary>
    /// True when the raw HTML ends properly (<c>&lt;/html&gt;</c> near the end). The DOM parser silently closes open elements, so
    /// truncation must be judged on the raw text.
    /// </summary>
    public static bool IsCompleteHtml(string html)
    {
        var tail = html.AsSpan().TrimEnd();
        var window = tail[Math.Max(0, tail.Length - 64)..];
        return window.Contains("</html>", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whitespace-collapsed, trimmed text, cut to <paramref name="max"/> characters.</summary>
    public static string Excerpt(string? text, int max = MaxExcerpt)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Length <= max ? collapsed : string.Concat(collapsed.AsSpan(0, max - 1), "…");
    }

    /// <summary>Visible text of an element, collapsed.</summary>
    public static string TextOf(IElement? element) => element is null ? "" : Whitespace().Replace(element.TextContent, " ").Trim();

    /// <summary>Excerpt of a whole page for Unknown results: the title and the start of the body text, never raw markup.</summary>
    public static string PageExcerpt(IHtmlDocument document)
    {
        var body = document.Body is null ? "" : BodyTextWithoutScripts(document.Body);
        return Excerpt($"{document.Title} | {body}");
    }

    /// <summary>Excerpt of a non-HTML body (JSON, text).</summary>
    public static string RawExcerpt(string text) => Excerpt(text.Length > 2 * MaxExcerpt ? text[..(2 * MaxExcerpt)] : text);

    /// <summary>The first integer in the text, if any.</summary>
    public static int? FirstInteger(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = Digits().Match(text.Normalize(NormalizationForm.FormKC));
        return match.Success && int.TryParse(match.Value, out var value) ? value : null;
    }

    /// <summary>Words that only appear on a page when it talks about a mark; a page containing one and no readable label is never Clean.</summary>
    public static bool MentionsMarking(string text) =>
        text.Contains("标记", StringComparison.Ordinal) || text.Contains("標記", StringComparison.Ordinal) ||
        text.Contains("疑似", StringComparison.Ordinal) || text.Contains("举报", StringComparison.Ordinal);

    private static string BodyTextWithoutScripts(IElement body)
    {
        var builder = new StringBuilder();
        foreach (var node in body.Descendants<IText>())
        {
            if (node.ParentElement?.LocalName is "script" or "style" or "noscript")
            {
                continue;
            }

            builder.Append(node.Data).Append(' ');
            if (builder.Length > 4 * MaxExcerpt)
            {
                break;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
