using System.Text.Json;
using NumberTrust.Hosting;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Mail;
using NumberTrust.Notifications.Subscriptions;

namespace NumberTrust.Upkeep.Summary;

/// <summary>Renders an <c>upkeep.weekly_summary</c> event in the daily digest's layout: one block per non-empty section, links, footer.</summary>
public static class WeeklySummaryMailRenderer
{
    public static bool Handles(NotificationEvent notification) => notification.Number is null && notification.Type == EventTypes.WeeklySummary;

    /// <summary>The mail, or null when the event's data is not a weekly summary (the caller then renders it like any other event).</summary>
    public static EmailContent? Render(NotificationEvent notification, SubscriptionEntity subscription, Func<string, string> link, Func<string, string> platformName)
    {
        WeeklySummaryData? data;
        try
        {
            data = notification.Data?.Deserialize<WeeklySummaryData>(ApiJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }

        if (data?.Trust is null || data.Labels is null || data.OpenAppeals is null || data.TasksDue is null)
        {
            return null;
        }

        static string Change(int? change) => change is { } c ? $"{c:+0;-0;0} over 7 days" : "no score 7 days ago";
        var overdue = data.TasksDue.Items.Count(t => t.Overdue);
        var headline = $"Weekly upkeep summary {data.Week}: {data.Numbers} number(s), {data.Labels.Total} label(s), {data.OpenAppeals.Total} open appeal(s), {data.TasksDue.Total} task(s) due"
            + (overdue > 0 ? $" ({overdue} overdue)" : "");
        var sections = new List<(string Title, List<(string Text, string? Lang)> Lines)>();
        DigestMailRenderer.Add(sections, $"Trust scores ({data.Trust.Total})", data.Trust.Total, data.Trust.Items.Count,
            data.Trust.Items.Select(t => ($"{DigestMailRenderer.Who(t.Number, t.DisplayName)}: " + (t.TrustScore is { } s ? $"{s} ({Change(t.Change7Day)})" : "no score yet"), (string?)null)));
        DigestMailRenderer.Add(sections, $"Standing labels ({data.Labels.Total})", data.Labels.Total, data.Labels.Items.Count,
            data.Labels.Items.Select(l => ($"{DigestMailRenderer.Who(l.Number, l.DisplayName)} on {platformName(l.Platform)}: {l.Category ?? "?"} \"{l.LabelText}\"", DigestMailRenderer.LanguageOf(l.LabelText))));
        DigestMailRenderer.Add(sections, $"Open appeals ({data.OpenAppeals.Total})", data.OpenAppeals.Total, data.OpenAppeals.Items.Count,
            data.OpenAppeals.Items.Select(a => ($"{a.AppealId}: {a.Number} on {platformName(a.Platform)}, {a.Status}", (string?)null)));
        DigestMailRenderer.Add(sections, $"Maintenance tasks due within 7 days ({data.TasksDue.Total})", data.TasksDue.Total, data.TasksDue.Items.Count,
            data.TasksDue.Items.Select(t => ($"{t.DueOn}  {t.Number}: {t.Kind.Replace('_', ' ')} ({t.Status}{(t.Overdue ? ", overdue" : "")}), task {t.TaskId}", (string?)null)));
        var links = new List<(string Name, string Url)>
        {
            ("Trust report", link(ApiRoutes.TrustReport)),
            ("Open tasks", link(ApiRoutes.UpkeepTasks + "?status=open")),
            ("Appeals", link(ApiRoutes.Appeals)),
            ("Calendar settings", link(ApiRoutes.UpkeepTaskSettings)),
            ("Subscription", link(ApiRoutes.Subscriptions + "/" + subscription.RowKey)),
        };
        var window = $"Week {data.Week}, as of {data.LocalDate} ({data.TimeZone})";
        var footer = $"Sent by NumberTrust for the subscription \"{subscription.Name}\" ({subscription.RowKey}). Event id {notification.EventId}.";
        return new EmailContent($"[NumberTrust] {headline}")
        {
            PlainText = DigestMailRenderer.PlainText(headline, window, sections, links, footer),
            Html = DigestMailRenderer.Html(headline, window, sections, links, footer),
        };
    }
}
