using System.ComponentModel;
using System.Net.Mail;
using NumberTrust.Labels;
using NumberTrust.Notifications.Webhooks;
using NumberTrust.Numbers;
using NumberTrust.Platforms;

namespace NumberTrust.Notifications.Subscriptions;

/// <summary>Body of <c>POST /api/subscriptions</c> and <c>PUT /api/subscriptions/{id}</c>.</summary>
public sealed record SubscriptionRequest(
    [property: Description("What the subscription is for, 1 to 100 characters.")] string? Name,
    [property: Description("Event types to deliver (see EventTypes), or a group wildcard such as label.* or appeal.*; * for all.")] IReadOnlyList<string>? EventTypes,
    [property: Description("Optional filters: only events of numbers/labels matching all of them.")] SubscriptionFilterRequest? Filters,
    [property: Description("Email recipients; at least one email or webhook channel is required.")] IReadOnlyList<string>? Emails,
    [property: Description("Webhook URLs (https; loopback http only in the local host).")] IReadOnlyList<string>? Webhooks);

/// <summary>Filters of a subscription; null fields match everything.</summary>
public sealed record SubscriptionFilterRequest(
    [property: Description("Only events from this platform (e.g. 360, hiya).")] string? Platform,
    [property: Description("Only label events whose category is at least this severe (e.g. Harassment).")] string? MinimumCategory,
    [property: Description("Only numbers with this tag.")] string? Tag,
    [property: Description("Only numbers of this department.")] string? Department);

/// <summary>A validated subscription request.</summary>
public sealed record SubscriptionInput(
    string Name,
    IReadOnlyList<string> EventTypes,
    string? Platform,
    string? MinimumCategory,
    string? Tag,
    string? Department,
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Webhooks)
{
    public const int MaxNameLength = 100;
    public const int MaxEmails = 20;
    public const int MaxWebhooks = 5;
    public const string AllTypes = "*";

    /// <summary>Type patterns: an exact name from <see cref="Notifications.EventTypes.All"/>, <c>group.*</c>, or <c>*</c>.</summary>
    public static bool IsKnownPattern(string pattern) =>
        pattern == AllTypes
        || Notifications.EventTypes.IsKnown(pattern)
        || (pattern.EndsWith(".*", StringComparison.Ordinal) && Notifications.EventTypes.All.Any(t => t.Group == pattern[..^2]));

    /// <summary>Whether a pattern list asks for an event type; new types of a known group match its wildcard without changes here.</summary>
    public static bool Matches(IEnumerable<string> patterns, string eventType) =>
        patterns.Any(p => p == AllTypes || p == eventType || (p.EndsWith(".*", StringComparison.Ordinal) && eventType.StartsWith(p[..^1], StringComparison.Ordinal)));

    public static (SubscriptionInput? Input, Dictionary<string, string[]> Errors) From(SubscriptionRequest request, PlatformIdSet platforms, WebhookUrlPolicy policy)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength)
        {
            errors["name"] = [$"name is required, 1 to {MaxNameLength} characters."];
        }

        var types = (request.EventTypes ?? []).Select(t => t?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            errors["eventTypes"] = ["At least one event type is required (e.g. label.new, label.*, or *)."];
        }
        else if (types.FirstOrDefault(t => !IsKnownPattern(t)) is { } unknown)
        {
            errors["eventTypes"] = [$"'{Hosting.Display.Shorten(unknown)}' is not a known event type or group wildcard."];
        }

        var filters = request.Filters ?? new SubscriptionFilterRequest(null, null, null, null);
        var platform = filters.Platform?.Trim().ToLowerInvariant() is { Length: > 0 } p ? p : null;
        if (platform is not null && !platforms.IsKnown(platform))
        {
            errors["filters.platform"] = [$"'{Hosting.Display.Shorten(platform)}' is not a known platform."];
        }

        string? category = null;
        if (filters.MinimumCategory?.Trim() is { Length: > 0 } c)
        {
            if (Enum.TryParse<LabelCategory>(c, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(c, out _))
            {
                category = parsed.ToString();
            }
            else
            {
                errors["filters.minimumCategory"] = [$"'{Hosting.Display.Shorten(c)}' is not a label category ({string.Join(", ", Enum.GetNames<LabelCategory>())})."];
            }
        }

        string? tag = null;
        if (filters.Tag is not null && (tag = RegistrationInput.NormaliseTag(filters.Tag)) is null)
        {
            errors["filters.tag"] = ["The tag filter is not a valid tag."];
        }

        var department = filters.Department?.Trim() is { Length: > 0 } d ? d : null;
        if (department is { Length: > RegistrationInput.MaxTextLength })
        {
            errors["filters.department"] = [$"At most {RegistrationInput.MaxTextLength} characters."];
        }

        var emails = new List<string>();
        foreach (var (raw, i) in (request.Emails ?? []).Select((e, i) => (e, i)))
        {
            var text = raw?.Trim() ?? "";
            if (text.Length is 0 or > 254 || !MailAddress.TryCreate(text, out var address) || address.Address != text || !address.Host.Contains('.', StringComparison.Ordinal))
            {
                errors[$"emails[{i}]"] = [$"'{Hosting.Display.Shorten(text)}' is not an email address."];
            }
            else if (!emails.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                emails.Add(text);
            }
        }

        var webhooks = new List<string>();
        foreach (var (raw, i) in (request.Webhooks ?? []).Select((w, i) => (w, i)))
        {
            if (policy.Validate(raw) is { } problem)
            {
                errors[$"webhooks[{i}]"] = [problem];
            }
            else if (!webhooks.Contains(raw!.Trim(), StringComparer.Ordinal))
            {
                webhooks.Add(raw!.Trim());
            }
        }

        if (emails.Count > MaxEmails)
        {
            errors["emails"] = [$"At most {MaxEmails} recipients."];
        }

        if (webhooks.Count > MaxWebhooks)
        {
            errors["webhooks"] = [$"At most {MaxWebhooks} webhook URLs."];
        }

        if (request.Emails is not { Count: > 0 } && request.Webhooks is not { Count: > 0 })
        {
            errors["channels"] = ["Give at least one email recipient or webhook URL."];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new SubscriptionInput(name, types, platform, category, tag, department, emails, webhooks), errors);
    }
}
