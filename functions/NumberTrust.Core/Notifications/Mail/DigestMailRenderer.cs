using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Digests;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Subscriptions;

namespace NumberTrust.Notifications.Mail;

/// <summary>
/// Renders a tenant's <c>digest.daily</c> or <c>digest.all_clear</c> event: a subject with the section counts, one block per
/// non-empty section (times in the tenant's zone, label texts marked with their language), links to the API and the footer.
/// </summary>
public static class DigestMailRenderer
{
    public static bool Handles(NotificationEvent notification) =>
        notification.Number is null && notification.Type is EventTypes.DigestDaily or EventTypes.DigestAllClear;

    /// <summary>The mail, or null when the event's data is not a digest (the caller then renders it like any other event).</summary>
    public static EmailContent? Render(NotificationEvent notification, SubscriptionEntity subscription, Func<string, string> link, Func<string, string> platformName)
    {
        DigestData? data;
        try
        {
            data = notification.Data?.Deserialize<DigestData>(ApiJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }

        if (data is null)
        {
            return null;
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(data.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var allClear = notification.Type == EventTypes.DigestAllClear;
        var headline = allClear
            ? $"All clear: nothing to report for your {data.Numbers} number(s)"
            : "Daily digest: " + string.Join(", ", Counts(data));
        var sections = new List<(string Title, List<(string Text, string? Lang)> Lines)>();
        if (!allClear)
        {
            Add(sections, $"Labeled numbers by platform ({data.Labeled.Total})", data.Labeled.Total, data.Labeled.Items.Count,
                data.Labeled.ByPlatform.Select(p => ($"{platformName(p.Platform)} ({p.Platform}): {p.Count}", (string?)null))
                    .Concat(data.Labeled.Items.Select(l => ($"  {Who(l.Number, l.DisplayName)} on {platformName(l.Platform)}: {l.Category ?? "?"} \"{l.LabelText}\"", LanguageOf(l.LabelText)))));
            Add(sections, $"Label changes in the last 24 hours ({data.Changes.Total})", data.Changes.Total, data.Changes.Items.Count,
                data.Changes.Items.Select(c => ($"{Local(c.At)}  {Who(c.Number, c.DisplayName)} on {platformName(c.Platform)}: {State(c.FromState, c.FromCategory)} -> {State(c.ToState, c.ToCategory)}"
                    + (c.LabelText is null ? "" : $" \"{c.LabelText}\""), LanguageOf(c.LabelText))));
            Add(sections, $"Trust scores that dropped ({data.TrustDrops.Total})", data.TrustDrops.Total, data.TrustDrops.Items.Count,
                data.TrustDrops.Items.Select(d => ($"{Who(d.Number, d.DisplayName)}: {d.From} -> {d.To}", (string?)null)));
            Add(sections, $"Scans that failed ({data.FailedScans.Total})", data.FailedScans.Total, data.FailedScans.Items.Count,
                data.FailedScans.Items.Select(f => ($"{f.Number} on {platformName(f.Platform)}: {f.Status}" + (f.Detail is null ? "" : $" ({f.Detail})") + $", scan {f.ScanId} of {Local(f.StartedAt)}", (string?)null)));
            Add(sections, $"Open follow-up appeals ({data.OpenFollowUps.Total})", data.OpenFollowUps.Total, data.OpenFollowUps.Items.Count,
                data.OpenFollowUps.Items.Select(f => ($"{f.AppealId}: {f.Number} on {platformName(f.Platform)}, {f.Status}, follow-up of {f.FollowUpOf}", (string?)null)));
        }

        var links = new List<(string Name, string Url)>
        {
            ("Labeled numbers", link(ApiRoutes.Numbers + "?labeled=true")),
            ("Trust report", link(ApiRoutes.TrustReport)),
            ("Appeals", link(ApiRoutes.Appeals)),
            ("Digest settings", link(ApiRoutes.DigestSettings)),
            ("Subscription", link(ApiRoutes.Subscriptions + "/" + subscription.RowKey)),
        };
        var window = $"{Local(data.Since)} to {Local(data.Until)} ({data.TimeZone})";
        var footer = $"Sent by NumberTrust for the subscription \"{subscription.Name}\" ({subscription.RowKey}). Event id {notification.EventId}.";
        return new EmailContent($"[NumberTrust] {headline} ({data.LocalDate})")
        {
            PlainText = PlainText(headline, window, sections, links, footer),
            Html = Html(headline, window, sections, links, footer),
        };
    }

    private static IEnumerable<string> Counts(DigestData data)
    {
        var counts = new (int Count, string One, string Many)[]
        {
            (data.Labeled.Total, "labeled number", "labeled numbers"), (data.Changes.Total, "label change", "label changes"),
            (data.TrustDrops.Total, "trust drop", "trust drops"), (data.FailedScans.Total, "failed scan", "failed scans"),
            (data.OpenFollowUps.Total, "open follow-up", "open follow-ups"),
        };
        return counts.Where(c => c.Count > 0).Select(c => $"{c.Count} {(c.Count == 1 ? c.One : c.Many)}");
    }

    internal static void Add(List<(string, List<(string, string?)>)> sections, string title, int total, int shown, IEnumerable<(string, string?)> lines)
    {
        if (total == 0)
        {
            return;
        }

        var list = lines.ToList();
        if (total > shown)
        {
            list.Add(($"... and {total - shown} more", null));
        }

        sections.Add((title, list));
    }

    internal static string Who(string number, string? displayName) => displayName is { Length: > 0 } name ? $"{number} ({name})" : number;

    private static string State(string state, string? category) => category is null ? state : $"{state} {category}";

    internal static string? LanguageOf(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff') ? "zh-CN" : null;

    internal static string PlainText(string headline, string window, List<(string Title, List<(string Text, string? Lang)> Lines)> sections, List<(string Name, string Url)> links, string footer)
    {
        var text = new StringBuilder().Append(headline).Append('\n').Append(window).Append("\n\n");
        foreach (var (title, lines) in sections)
        {
            text.Append(title).Append('\n').Append(new string('-', title.Length)).Append('\n');
            foreach (var (line, _) in lines)
            {
                text.Append(line).Append('\n');
            }

            text.Append('\n');
        }

        foreach (var (name, url) in links)
        {
            text.Append(name).Append(": ").Append(url).Append('\n');
        }

        return text.Append("\n-- \n").Append(footer).Append('\n').ToString();
    }

    internal static string Html(string headline, string window, List<(string Title, List<(string Text, string? Lang)> Lines)> sections, List<(string Name, string Url)> links, string footer)
    {
        static string E(string value) => WebUtility.HtmlEncode(value);
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(E(headline)).Append("</h2><p>").Append(E(window)).Append("</p>");
        foreach (var (title, lines) in sections)
        {
            html.Append("<h3>").Append(E(title)).Append("</h3><ul>");
            foreach (var (line, lang) in lines)
            {
                html.Append(lang is null ? "<li>" : $"<li lang=\"{E(lang)}\">").Append(E(line.Trim())).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("<ul>");
        foreach (var (name, url) in links)
        {
            html.Append("<li><a href=\"").Append(E(url)).Append("\">").Append(E(name)).Append("</a></li>");
        }

        return html.Append("</ul><hr><p style=\"color:#666\">").Append(E(footer)).Append("</p></body></html>").ToString();
    }
}
