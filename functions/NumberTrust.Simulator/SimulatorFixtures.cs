using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;

namespace NumberTrust.Simulator;

/// <summary>An HTTP answer the simulator sends.</summary>
public sealed record SimResponse(int Status, string? ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public string BodyText(Encoding? encoding = null) => (encoding ?? Encoding.UTF8).GetString(Body);
}

/// <summary>Whether a layout renders a labeled or a clean answer.</summary>
public enum LayoutState
{
    Labeled,
    Clean,
}

/// <summary>One layout variant of one platform, in one state, with what an adapter must read from it.</summary>
public sealed record FixtureLayout(string Platform, string Layout, LayoutState State, string File);

/// <summary>
/// The fixture corpus: every platform's layouts (labeled and clean), captcha, block and unknown-layout pages, rendered from the
/// template files under <c>Fixtures/</c>. The simulator answers from here and the tests read the same renderings, so the markup
/// exists once.
/// </summary>
public static class SimulatorFixtures
{
    public const string DefaultLocation = "北京 北京 移动";

    private static readonly ConcurrentDictionary<string, string> Templates = new(StringComparer.Ordinal);

    // platform -> layout -> (labeled file, clean file); the first entry of a platform is its default.
    private static readonly Dictionary<string, (string Layout, string? Labeled, string? Clean)[]> Table = new(StringComparer.Ordinal)
    {
        [SimulatedPlatforms.Baidu] =
        [
            ("desktop", "desktop-labeled.html", "desktop-clean.html"),
            ("desktop-label-only", "desktop-label-only.html", null),
            ("mobile", "mobile-labeled.html", "mobile-clean.html"),
            ("wap", "wap-labeled.html", "wap-clean.html"),
        ],
        [SimulatedPlatforms.BaiduHaoma] =
        [
            ("report", "report.html", "location.html"),
            ("verified", "verified.html", "location.html"),
        ],
        [SimulatedPlatforms.Qihoo360] =
        [
            ("tel-mark", "tel-mark.html", "mh-search.html"),
            ("tel-mark-zp", "tel-mark-zp.html", "mh-search.html"),
            ("mohe-tips", "mohe-tips.html", "mh-search.html"),
            ("hy-tips", "hy-tips.html", "mh-search.html"),
            ("image", "image.html", "mh-search.html"),
        ],
        [SimulatedPlatforms.Sogou] =
        [
            ("jsonp", "jsonp-labeled.js", "jsonp-clean.js"),
            ("script", "web-script.html", "web-clean.html"),
            ("haoma-tag", "web-haoma-tag.html", "web-clean.html"),
        ],
        [SimulatedPlatforms.Tencent] = [("api", "answer.json", "answer.json")],
        [SimulatedPlatforms.Telnyx] =
        [
            ("default", "labeled.json", "low.json"),
            ("high-no-category", "high-no-category.json", "low.json"),
            ("medium", "labeled.json", "medium.json"),
            ("no-data", "no-data.json", "no-data.json"),
        ],
        [SimulatedPlatforms.Nomorobo] =
        [
            ("profile", "profile.html", "not-found.html"),
            ("severe", "profile.html", "not-found.html"),
            ("unknown", "profile.html", "unknown.html"),
        ],
        [nameof(VendorShape.Flat)] = [("default", "labeled.json", "clean.json")],
        [nameof(VendorShape.PerApp)] = [("default", "answer.json", "answer.json")],
    };

    /// <summary>The apps of the per-app vendor, in answer order.</summary>
    public static readonly IReadOnlyList<string> VendorApps = ["360手机卫士", "腾讯手机管家", "百度手机卫士"];

    /// <summary>TagType codes of the simulated Tencent SMPN API.</summary>
    public static readonly IReadOnlyDictionary<string, int> TencentTagTypes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["骚扰电话"] = 50, ["房产中介"] = 51, ["保险理财"] = 52, ["广告推销"] = 53, ["诈骗电话"] = 54, ["快递电话"] = 55, ["出租车专车"] = 56,
    };

    /// <summary>Every layout of a platform in both states (distinct files only).</summary>
    public static IReadOnlyList<FixtureLayout> Layouts(string platform) =>
        Rows(platform)
            .SelectMany(r => new[]
            {
                r.Labeled is null ? null : new FixtureLayout(platform, r.Layout, LayoutState.Labeled, r.Labeled),
                r.Clean is null ? null : new FixtureLayout(platform, r.Layout, LayoutState.Clean, r.Clean),
            })
            .OfType<FixtureLayout>()
            .ToList();

    public static string DefaultLayout(string platform) => Rows(platform)[0].Layout;

    /// <summary>Renders a normal answer: <paramref name="label"/> null = clean. <paramref name="number"/> is the number as the client sent it.</summary>
    public static SimResponse Render(string platform, string? layout, string number, SimLabel? label, DateTimeOffset now)
    {
        var rows = Rows(platform);
        var row = rows.FirstOrDefault(r => string.Equals(r.Layout, layout, StringComparison.OrdinalIgnoreCase));
        if (row.Layout is null || (label is null ? row.Clean : row.Labeled) is null)
        {
            row = rows[0];
        }

        var file = label is null ? row.Clean! : row.Labeled!;
        return platform switch
        {
            SimulatedPlatforms.Baidu => Html(platform, file, BaiduValues(number, label)),
            SimulatedPlatforms.BaiduHaoma => Html(platform, file, HaomaValues(number, label)),
            SimulatedPlatforms.Qihoo360 => row.Layout == "mohe-tips"
                ? Html(platform, file, QihooValues(number, label), "gbk", "text/html; charset=gbk")
                : Html(platform, file, QihooValues(number, label)),
            SimulatedPlatforms.Sogou => SogouAnswer(file, number, label),
            SimulatedPlatforms.Tencent => Json(platform, file, TencentValues(label, now)),
            SimulatedPlatforms.Telnyx => Json(platform, file, TelnyxValues(number, label, now)),
            SimulatedPlatforms.Nomorobo => label is null && file == "not-found.html"
                ? Html(platform, file, NomoroboValues(number, null, row.Layout)) with { Status = 404 }
                : Html(platform, file, NomoroboValues(number, label, row.Layout)),
            nameof(VendorShape.Flat) => Json("vendor-flat", file, FlatValues(number, label)),
            nameof(VendorShape.PerApp) => Json("vendor-perapp", file, PerAppValues(label)),
            _ => throw new ArgumentException($"Unknown platform '{platform}'.", nameof(platform)),
        };
    }

    /// <summary>The platform's captcha answer (a redirect for Baidu and Sogou unless <paramref name="variant"/> is <c>page</c>).</summary>
    public static SimResponse Captcha(string platform, string number, string? variant = null)
    {
        var escaped = Uri.EscapeDataString(number);
        return platform switch
        {
            SimulatedPlatforms.Baidu or SimulatedPlatforms.BaiduHaoma when variant != "page" =>
                Redirect($"https://wappass.baidu.com/static/captcha/tuxing.html?&logid=1&ak=sim&backurl=https%3A%2F%2Fwww.baidu.com%2Fs%3Fwd%3D{escaped}&signature=sim"),
            SimulatedPlatforms.Sogou when variant != "page" => Redirect($"http://www.sogou.com/antispider/?from=%2Fweb%3Fquery%3D{escaped}"),
            SimulatedPlatforms.Baidu or SimulatedPlatforms.BaiduHaoma or SimulatedPlatforms.Qihoo360 or SimulatedPlatforms.Sogou or SimulatedPlatforms.Tencent =>
                Html(platform, "captcha.html", []),
            SimulatedPlatforms.Telnyx or SimulatedPlatforms.Nomorobo => Html(platform, "captcha.html", []) with { Status = 403 },
            _ => Html("common", "captcha.html", []),
        };
    }

    /// <summary>The platform's block page.</summary>
    public static SimResponse Blocked(string platform, string number) => platform switch
    {
        SimulatedPlatforms.Baidu or SimulatedPlatforms.BaiduHaoma or SimulatedPlatforms.Qihoo360 => Html(platform, "blocked.html", []),
        SimulatedPlatforms.Sogou or SimulatedPlatforms.Tencent or SimulatedPlatforms.Telnyx or SimulatedPlatforms.Nomorobo => Html(platform, "blocked.html", []) with { Status = 403 },
        _ => Html("common", "blocked.html", []) with { Status = 403 },
    };

    /// <summary>A page or document in a layout no adapter knows, still from the platform and mentioning a mark.</summary>
    public static SimResponse UnknownLayout(string platform, string number, bool sogouWeb = false)
    {
        var label = new SimLabel(platform is SimulatedPlatforms.Telnyx or SimulatedPlatforms.Nomorobo ? "SCAM" : "骚扰电话", 12);
        return platform switch
        {
            SimulatedPlatforms.Sogou => sogouWeb
                ? Html(platform, "web-unknown-layout.html", BaiduValues(number, label))
                : Text(platform, "jsonp-unknown-layout.js", JsonValues(("label", label.Text), ("count", "12"), ("location", DefaultLocation)), "application/javascript; charset=utf-8"),
            SimulatedPlatforms.Tencent => Json(platform, "unknown-layout.json", JsonValues(("label", label.Text), ("count", "12"), ("requestId", Guid.NewGuid().ToString()))),
            SimulatedPlatforms.Telnyx => Json(platform, "unknown-layout.json", JsonValues(("label", "Telemarketer"), ("e164", number))),
            nameof(VendorShape.Flat) => Json("vendor-flat", "unknown-layout.json", JsonValues(("label", label.Text), ("e164", number))),
            nameof(VendorShape.PerApp) => Json("vendor-perapp", "unknown-layout.json", JsonValues(("label", label.Text))),
            _ => Html(platform, "unknown-layout.html", BaiduValues(number, label)),
        };
    }

    /// <summary>A 5xx page.</summary>
    public static SimResponse ServerError(int status) => Html("common", "server-error.html", []) with { Status = status };

    /// <summary>Tencent Cloud error object (answered with HTTP 200, as the real API does).</summary>
    public static SimResponse TencentError(string code, string message) =>
        Json(SimulatedPlatforms.Tencent, "error.json", JsonValues(("code", code), ("message", message), ("requestId", Guid.NewGuid().ToString())));

    public static SimResponse TelnyxError(string file, int status) => Json(SimulatedPlatforms.Telnyx, file, []) with { Status = status };

    public static SimResponse VendorUnauthorized(VendorShape shape) =>
        Json(shape == VendorShape.Flat ? "vendor-flat" : "vendor-perapp", "unauthorized.json", []) with { Status = 401 };

    /// <summary>The raw template text of a fixture file, e.g. <c>baidu/desktop-labeled.html</c>.</summary>
    public static string Template(string path) => Templates.GetOrAdd(path, static p =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("fixtures/" + p)
            ?? throw new FileNotFoundException($"Fixture '{p}' is not embedded in the simulator.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    private static (string Layout, string? Labeled, string? Clean)[] Rows(string platform) =>
        Table.TryGetValue(platform, out var rows) ? rows : throw new ArgumentException($"Unknown platform '{platform}'.", nameof(platform));

    private static Dictionary<string, string> BaiduValues(string number, SimLabel? label) => HtmlValues(
        ("number", number), ("label", label?.Text ?? ""), ("count", CountOf(label)), ("source", label?.SourceApp ?? "百度手机卫士"), ("location", DefaultLocation));

    private static Dictionary<string, string> HaomaValues(string number, SimLabel? label)
    {
        var values = HtmlValues(("number", number), ("count", CountOf(label)), ("location", DefaultLocation));
        var tags = (label?.Text ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        values["tags"] = string.Concat(tags.Select(t => $"<span class=\"res-tag\">{WebUtility.HtmlEncode(t)}</span>"));
        return values;
    }

    private static Dictionary<string, string> QihooValues(string number, SimLabel? label) => HtmlValues(
        ("number", number), ("label", label?.Text ?? ""), ("count", CountOf(label)), ("source", label?.SourceApp ?? "360手机卫士"), ("location", "北京 移动"));

    private static Dictionary<string, string> NomoroboValues(string number, SimLabel? label, string layout) => HtmlValues(
        ("number", number), ("label", label?.Text.ToUpperInvariant() ?? ""), ("count", CountOf(label)),
        ("reason", label?.SourceApp ?? (label is null ? "" : $"Reported as {label.Text.ToLowerInvariant()}")),
        ("severity", layout == "severe" ? "SEVERE" : "MODERATE"));

    private static SimResponse SogouAnswer(string file, string number, SimLabel? label)
    {
        if (file.EndsWith(".js", StringComparison.Ordinal))
        {
            return Text(SimulatedPlatforms.Sogou, file, JsonValues(("label", label?.Text ?? ""), ("count", CountOf(label)), ("location", DefaultLocation)), "application/javascript; charset=utf-8");
        }

        var info = label is null ? "" : $"号码通用户数据：{label.Text}：被标记{CountOf(label)}次";
        var values = HtmlValues(("number", number), ("label", label?.Text ?? ""), ("count", CountOf(label)), ("source", label?.SourceApp ?? "搜狗号码通"), ("location", DefaultLocation));
        values["info"] = JavaScriptEncoder.Default.Encode(info);
        return file == "web-haoma-tag.html"
            ? Html(SimulatedPlatforms.Sogou, file, values, "gbk", "text/html")
            : Html(SimulatedPlatforms.Sogou, file, values);
    }

    private static Dictionary<string, string> TencentValues(SimLabel? label, DateTimeOffset now)
    {
        var tagType = 0;
        if (label is not null)
        {
            tagType = TencentTagTypes.TryGetValue(label.Text, out var known) ? known
                : int.TryParse(label.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code
                : 99; // a code the adapter has never seen: still a label
        }

        return JsonValues(("tagType", tagType.ToString(CultureInfo.InvariantCulture)), ("count", label is null ? "0" : CountOf(label)),
            ("requestId", $"sim-{now.ToUnixTimeMilliseconds()}"));
    }

    private static Dictionary<string, string> TelnyxValues(string number, SimLabel? label, DateTimeOffset now) =>
        JsonValues(("e164", number), ("label", label?.Text ?? ""), ("now", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));

    private static Dictionary<string, string> FlatValues(string number, SimLabel? label) =>
        JsonValues(("e164", number), ("label", label?.Text ?? ""), ("count", CountOf(label)));

    private static Dictionary<string, string> PerAppValues(SimLabel? label)
    {
        var labels = (label?.Text ?? "").Split('|', StringSplitOptions.TrimEntries);
        var first = label?.SourceApp is { } source && VendorApps.Contains(source) ? VendorApps.ToList().IndexOf(source) : 0;
        var apps = VendorApps.Select((app, i) =>
        {
            var index = (i - first + VendorApps.Count) % VendorApps.Count;
            var text = label is not null && index < labels.Length ? labels[index] : "";
            var count = text.Length > 0 ? CountOf(label) : "0";
            return $"{{\"name\":\"{JsonEscape(app)}\",\"msg\":\"{JsonEscape(text)}\",\"count\":{count}}}";
        });
        return new Dictionary<string, string>(StringComparer.Ordinal) { ["apps"] = string.Join(",", apps) };
    }

    private static string CountOf(SimLabel? label) => (label?.Count ?? 1).ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> HtmlValues(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => WebUtility.HtmlEncode(v.Value), StringComparer.Ordinal);

    private static Dictionary<string, string> JsonValues(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => JsonEscape(v.Value), StringComparer.Ordinal);

    private static string JsonEscape(string value) => JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value);

    private static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var builder = new StringBuilder(template);
        foreach (var (key, value) in values)
        {
            builder.Replace("{{" + key + "}}", value);
        }

        return builder.ToString();
    }

    private static SimResponse Html(string folder, string file, Dictionary<string, string> values, string encoding = "utf-8", string contentType = "text/html; charset=utf-8") =>
        new(200, contentType, EncodingFor(encoding).GetBytes(Fill(Template($"{folder}/{file}"), values)), SimResponse.NoHeaders);

    private static SimResponse Json(string folder, string file, Dictionary<string, string> values) =>
        new(200, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(Fill(Template($"{folder}/{file}"), values)), SimResponse.NoHeaders);

    private static SimResponse Text(string folder, string file, Dictionary<string, string> values, string contentType) =>
        new(200, contentType, Encoding.UTF8.GetBytes(Fill(Template($"{folder}/{file}"), values)), SimResponse.NoHeaders);

    private static SimResponse Redirect(string location) =>
        new(302, "text/html; charset=utf-8", Encoding.UTF8.GetBytes($"<html><body><a href=\"{WebUtility.HtmlEncode(location)}\">302 Found</a></body></html>"),
            new Dictionary<string, string> { ["Location"] = location });

    private static Encoding EncodingFor(string name)
    {
        if (name == "utf-8")
        {
            return new UTF8Encoding(false);
        }

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(name == "gbk" ? 936 : 54936);
    }
}
