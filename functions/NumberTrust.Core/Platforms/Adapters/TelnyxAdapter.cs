using System.Net.Http.Headers;
using System.Text.Json;
using NumberTrust.Labels;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// Telnyx Number Reputation (Hiya data; US numbers): <c>GET /v2/reputation/numbers/{+E164}</c> (or the enterprise-scoped path),
/// Bearer API key. <c>spam_category</c> set or <c>spam_risk: high</c> = Labeled; <c>low</c>/<c>medium</c> with no category = Clean;
/// <c>reputation_data: null</c> = Unknown(InsufficientData).
/// </summary>
public sealed class TelnyxAdapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    protected override Uri DefaultBaseUrl => new("https://api.telnyx.com");

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 1 && number.Region == "US";

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl)
    {
        var phone = Uri.EscapeDataString(number.E164); // the leading + travels as %2B
        var path = string.IsNullOrWhiteSpace(Options.EnterpriseId)
            ? $"/v2/reputation/numbers/{phone}"
            : $"/v2/enterprises/{Uri.EscapeDataString(Options.EnterpriseId)}/reputation/numbers/{phone}";
        if (Options.Fresh)
        {
            path += "?fresh=true";
        }

        var request = new HttpRequestMessage(HttpMethod.Get, PlatformBaseUrl.Combine(baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    public static UnknownReason? DetectBlockPage(PlatformResponse response) => BlockSignals.HtmlInsteadOfJson(response);

    protected override LookupResult? InterpretStatus(PlatformResponse response, CanonicalNumber number) =>
        response.StatusCode == 404
            ? Unknown(UnknownReason.NotApplicable, response, "Telnyx has no reputation record for this number: it must first be associated for monitoring (POST .../reputation/numbers).")
            : null;

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!TryParseJson(response, out var json, out var unreadable))
        {
            return unreadable;
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "No data object in the answer.");
            }

            if (!data.TryGetProperty("reputation_data", out var reputation))
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "No reputation_data in the answer.");
            }

            var excerpt = PageText.RawExcerpt(reputation.GetRawText());
            if (reputation.ValueKind == JsonValueKind.Null)
            {
                return Unknown(UnknownReason.InsufficientData, response, "reputation_data is null: no refresh collected yet.");
            }

            if (reputation.ValueKind != JsonValueKind.Object)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "reputation_data is not an object.");
            }

            var risk = StringOrNull(reputation, "spam_risk")?.ToLowerInvariant();
            var category = StringOrNull(reputation, "spam_category");
            var scores = Scores(reputation);
            if (!string.IsNullOrWhiteSpace(category))
            {
                return Labeled(response, category, null, null, excerpt, detail: $"spam_risk {risk ?? "null"}; {scores}");
            }

            return risk switch
            {
                "high" => Labeled(response, "spam_risk: high", null, null, excerpt, LabelCategory.Spam, $"Flagged as likely spam by carriers without a category; {scores}"),
                "low" or "medium" => Clean(response, excerpt, $"spam_risk {risk}, no spam_category (not flagged); {scores}"),
                null => Unknown(UnknownReason.InsufficientData, response, $"spam_risk is null: not enough data; {scores}"),
                _ => Unknown(UnknownReason.UnrecognisedLayout, response, $"Unknown spam_risk value '{risk}'."),
            };
        }
    }

    private static string? StringOrNull(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Scores(JsonElement reputation)
    {
        string Score(string name) => reputation.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : "null";
        var refreshed = StringOrNull(reputation, "last_refreshed_at") ?? "never";
        return $"maturity {Score("maturity_score")}, connection {Score("connection_score")}, engagement {Score("engagement_score")}, sentiment {Score("sentiment_score")}, refreshed {refreshed}";
    }
}
