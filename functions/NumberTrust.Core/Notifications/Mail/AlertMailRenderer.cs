using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Notifications.Deliveries;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Platforms;

namespace NumberTrust.Notifications.Mail;

/// <summary>
/// Renders any event of <see cref="EventTypes.All"/> as a mail: a subject naming number, platform and change, a plain-text and
/// an HTML body (every value HTML-encoded), the label text marked with its language, links to the API and a footer naming the
/// subscription. Label events have their own wording; every other type falls back to its description and its data fields.
/// </summary>
public sealed class AlertMailRenderer(IOptions<AlertOptions> options, PlatformCatalog catalog)
{
    public EmailContent Render(NotificationEvent notification, SubscriptionEntity subscription)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(subscription);
        if (DigestMailRenderer.Handles(notification) && DigestMailRenderer.Render(notification, subscription, Link, PlatformName) is { } digest)
        {
            return digest;
        }

        if (Upkeep.Summary.WeeklySummaryMailRenderer.Handles(notification)
            && Upkeep.Summary.WeeklySummaryMailRenderer.Render(notification, subscription, Link, PlatformName) is { } weekly)
        {
            return weekly;
        }

        var data = notification.Data ?? [];
        var platform = notification.Platform is { } id ? PlatformName(id) : null;
        var change = Change(notification, data);
        var subject = new StringBuilder("[NumberTrust] ");
        if (notification.Number is not null)
        {
            subject.Append(notification.Number);
            if (platform is not null)
            {
                subject.Append(" on ").Append(platform);
            }

            subject.Append(": ").Append(change);
        }
        else
        {
            subject.Append(Capitalised(change)).Append(platform is null ? "" : " (" + platform + ")");
        }

        var facts = new List<(string Name, string Value, string? Lang)>();
        if (notification.Number is not null)
        {
            facts.Add(("Number", notification.Number, null));
        }

        if (notification.Platform is not null)
        {
            facts.Add(("Platform", $"{platform} ({notification.Platform})", null));
        }

        if (Text(data, "labelText") is { } label)
        {
            facts.Add(("Label", label, LanguageOf(notification.Platform, label)));
        }

        if (notification.Category is not null)
        {
            facts.Add(("Category", notification.Category, null));
        }

        foreach (var (key, value) in data.Where(p => p.Key != "labelText" && p.Value is not null))
        {
            facts.Add((Humanise(key), Value(value!), null));
        }

        facts.Add(("When", notification.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), null));
        facts.Add(("Event", $"{notification.Type} ({Describe(notification.Type)})", null));

        var links = new List<(string Name, string Url)>();
        if (notification.Number is not null)
        {
            var number = Uri.EscapeDataString(notification.Number);
            links.Add(("Number status", Link(ApiRoutes.Numbers + "/" + number)));
            links.Add(("Label history", Link(ApiRoutes.NumberHistory.Replace("{number}", number, StringComparison.Ordinal))));
        }

        links.Add(("Subscription", Link(ApiRoutes.Subscriptions + "/" + subscription.RowKey)));
        links.Add(("Its deliveries", Link(ApiRoutes.SubscriptionDeliveries.Replace("{subscriptionId}", subscription.RowKey, StringComparison.Ordinal))));
        var footer = $"Sent by NumberTrust for the subscription \"{subscription.Name}\" ({subscription.RowKey}). Event id {notification.EventId}.";

        return new EmailContent(subject.ToString())
        {
            PlainText = PlainText(change, facts, links, footer),
            Html = Html(change, facts, links, footer),
        };
    }

    /// <summary>What happened, in a few words, for the subject and the headline.</summary>
    private static string Change(NotificationEvent notification, JsonObject data)
    {
        var label = Text(data, "labelText");
        var to = Text(data, "toCategory") ?? notification.Category;
        var from = Text(data, "fromCategory");
        return notification.Type switch
        {
            EventTypes.NewLabel => "new label " + Quoted(label, to),
            EventTypes.CategoryChanged => $"label changed from {from ?? "?"} to {to ?? "?"}" + (label is null ? "" : $" \"{label}\""),
            EventTypes.CountJump => $"reports rose from {Text(data, "fromCount") ?? "?"} to {Text(data, "toCount") ?? "?"}" + (label is null ? "" : $" for \"{label}\""),
            EventTypes.Cleared => "label cleared" + (from is null ? "" : $" (was {from})"),
            EventTypes.Unreadable => "the platform could not be read",
            _ => Describe(notification.Type).TrimEnd('.'),
        };
    }

    private static string Quoted(string? label, string? category) =>
        (label, category) switch
        {
            ({ } l, { } c) => $"\"{l}\" ({c})",
            ({ } l, null) => $"\"{l}\"",
            (null, { } c) => c,
            _ => "",
        };

    private static string PlainText(string change, List<(string Name, string Value, string? Lang)> facts, List<(string Name, string Url)> links, string footer)
    {
        var text = new StringBuilder();
        text.Append(Capitalised(change)).Append("\n\n");
        var width = facts.Max(f => f.Name.Length) + 2;
        foreach (var (name, value, _) in facts)
        {
            text.Append((name + ":").PadRight(width)).Append(value).Append('\n');
        }

        text.Append('\n');
        foreach (var (name, url) in links)
        {
            text.Append(name).Append(": ").Append(url).Append('\n');
        }

        text.Append("\n-- \n").Append(footer).Append('\n');
        return text.ToString();
    }

    private static string Html(string change, List<(string Name, string Value, string? Lang)> facts, List<(string Name, string Url)> links, string footer)
    {
        static string E(string value) => WebUtility.HtmlEncode(value);
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(E(Capitalised(change))).Append("</h2><table>");
        foreach (var (name, value, lang) in facts)
        {
            html.Append("<tr><th align=\"left\">").Append(E(name)).Append("</th><td");
            if (lang is not null)
            {
                html.Append(" lang=\"").Append(E(lang)).Append('"');
            }

            html.Append('>').Append(E(value)).Append("</td></tr>");
        }

        html.Append("</table><ul>");
        foreach (var (name, url) in links)
        {
            html.Append("<li><a href=\"").Append(E(url)).Append("\">").Append(E(name)).Append("</a></li>");
        }

        html.Append("</ul><hr><p style=\"color:#666\">").Append(E(footer)).Append("</p></body></html>");
        return html.ToString();
    }

    private string Link(string relative)
    {
        var path = ApiRoutes.PathOf(relative);
        return string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? path : options.Value.PublicBaseUrl.TrimEnd('/') + path;
    }

    /// <summary>The platform's name without the explanation in brackets (<c>360</c>, <c>百度</c>).</summary>
    private string PlatformName(string id)
    {
        try
        {
            var name = catalog.Describe(id).Name;
            var bracket = name.IndexOf(" (", StringComparison.Ordinal);
            return bracket > 0 ? name[..bracket] : name;
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            return id;
        }
    }

    /// <summary>The label's language: Chinese for Chinese platforms or Han script, English for US platforms.</summary>
    private string? LanguageOf(string? platform, string label)
    {
        if (label.Any(c => c is >= '\u4e00' and <= '\u9fff'))
        {
            return "zh-CN";
        }

        var market = platform is null ? null : TryMarket(platform);
        return market switch
        {
            "CN" => "zh-CN",
            "US" => "en-US",
            _ => null,
        };
    }

    private string? TryMarket(string platform)
    {
        try
        {
            return catalog.Describe(platform).Market;
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Describe(string type) => EventTypes.All.FirstOrDefault(t => t.Name == type)?.Description ?? type;

    private static string? Text(JsonObject data, string key) =>
        data.TryGetPropertyValue(key, out var value) && value is not null ? Value(value) : null;

    private static string Value(JsonNode value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString(ApiJson.Options);

    /// <summary><c>fromCategory</c> → <c>From category</c>.</summary>
    private static string Humanise(string key)
    {
        var text = new StringBuilder();
        foreach (var c in key)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(text.Length == 0 ? char.ToUpperInvariant(c) : c);
            }
        }

        return text.ToString();
    }
}
