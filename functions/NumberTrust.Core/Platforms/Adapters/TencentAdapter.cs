using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NumberTrust.Labels;
using NumberTrust.Numbers;

namespace NumberTrust.Platforms;

/// <summary>
/// 腾讯手机管家 labels through Tencent Cloud's number-security API (SMPN 2019-08-22, <c>DescribeSmpnChp</c>): <c>TagType</c> +
/// <c>TagCount</c>. Requests are signed with TC3-HMAC-SHA256.
/// </summary>
public sealed class TencentAdapter(PlatformContext context) : HttpPlatformAdapter(context)
{
    public const string Service = "smpn";
    public const string Version = "2019-08-22";
    public const string DefaultAction = "DescribeSmpnChp";
    public const string ContentType = "application/json; charset=utf-8";
    public const string SourceAppName = "腾讯手机管家";

    /// <summary>TagType codes of CHPResponse.</summary>
    public static readonly IReadOnlyDictionary<int, (string Text, LabelCategory Category)> TagTypes = new Dictionary<int, (string, LabelCategory)>
    {
        [50] = ("骚扰电话", LabelCategory.Harassment),
        [51] = ("房产中介", LabelCategory.RealEstateAgent),
        [52] = ("保险理财", LabelCategory.Insurance),
        [53] = ("广告推销", LabelCategory.Sales),
        [54] = ("诈骗电话", LabelCategory.Fraud),
        [55] = ("快递电话", LabelCategory.Delivery),
        [56] = ("出租车专车", LabelCategory.Taxi),
    };

    protected override Uri DefaultBaseUrl => new("https://smpn.tencentcloudapi.com");

    public override bool Covers(CanonicalNumber number) => number.CountryCode == 86;

    protected override HttpRequestMessage CreateRequest(CanonicalNumber number, Uri baseUrl)
    {
        var url = PlatformBaseUrl.Combine(baseUrl, "/");
        var action = string.IsNullOrWhiteSpace(Options.Action) ? DefaultAction : Options.Action;
        var payload = JsonSerializer.Serialize(new
        {
            ResourceId = Options.ResourceId ?? "",
            RequestData = new { PhoneNumber = number.NationalDialString },
        });
        var timestamp = Context.Time.GetUtcNow().ToUnixTimeSeconds();
        var host = url.Authority;
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(payload)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-TC-Action", action);
        request.Headers.TryAddWithoutValidation("X-TC-Version", Version);
        request.Headers.TryAddWithoutValidation("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(Options.Region))
        {
            request.Headers.TryAddWithoutValidation("X-TC-Region", Options.Region);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            Tc3Signer.Authorization(Options.SecretId ?? "", Options.SecretKey ?? "", Service, host, ContentType, payload, timestamp));
        return request;
    }

    protected override UnknownReason? DetectBlock(PlatformResponse response) => DetectBlockPage(response);

    public static UnknownReason? DetectBlockPage(PlatformResponse response) => BlockSignals.HtmlInsteadOfJson(response);

    protected override LookupResult Parse(PlatformResponse response, CanonicalNumber number)
    {
        if (!TryParseJson(response, out var json, out var unreadable))
        {
            return unreadable;
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("Response", out var body) || body.ValueKind != JsonValueKind.Object)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "No Response object.");
            }

            if (body.TryGetProperty("Error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("Code", out var c) ? c.GetString() ?? "" : "";
                var message = error.TryGetProperty("Message", out var m) ? m.GetString() ?? "" : "";
                var reason = code.StartsWith("AuthFailure", StringComparison.Ordinal) || code.StartsWith("UnauthorizedOperation", StringComparison.Ordinal)
                    ? UnknownReason.Unauthorized
                    : code.StartsWith("RequestLimitExceeded", StringComparison.Ordinal) ? UnknownReason.RateLimited : UnknownReason.PlatformError;
                return Unknown(reason, response, $"Tencent Cloud error {code}: {message}");
            }

            if (!body.TryGetProperty("ResponseData", out var data) || data.ValueKind != JsonValueKind.Object ||
                !data.TryGetProperty("TagType", out var tagTypeElement) || !tagTypeElement.TryGetInt32(out var tagType))
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, "No ResponseData.TagType in the answer.");
            }

            int? count = data.TryGetProperty("TagCount", out var countElement) && countElement.TryGetInt32(out var n) ? n : null;
            var excerpt = PageText.RawExcerpt(data.GetRawText());
            if (tagType == 0)
            {
                return Clean(response, excerpt, "TagType 0 (无标记).");
            }

            if (tagType < 0)
            {
                return Unknown(UnknownReason.UnrecognisedLayout, response, $"Unexpected TagType {tagType}.");
            }

            // A non-zero code is a label even when this adapter does not know its name yet.
            return TagTypes.TryGetValue(tagType, out var known)
                ? Labeled(response, known.Text, count, SourceAppName, excerpt, known.Category)
                : Labeled(response, $"TagType {tagType}", count, SourceAppName, excerpt, LabelCategory.Other, "A TagType code this adapter does not know.");
        }
    }
}
