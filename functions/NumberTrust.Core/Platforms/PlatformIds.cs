namespace NumberTrust.Platforms;

/// <summary>Ids of the built-in platforms (configuration section names under <c>Platforms</c>).</summary>
public static class PlatformIds
{
    public const string Baidu = "baidu";
    public const string BaiduHaoma = "baidu-haoma";
    public const string Qihoo360 = "qihoo360";
    public const string Sogou = "sogou";
    public const string Tencent = "tencent";
    public const string Telnyx = "telnyx";
    public const string Nomorobo = "nomorobo";

    public static readonly IReadOnlyList<string> BuiltIn = [Baidu, BaiduHaoma, Qihoo360, Sogou, Tencent, Telnyx, Nomorobo];

    public static bool IsBuiltIn(string id) => BuiltIn.Contains(id, StringComparer.Ordinal);

    /// <summary>Name of the platform's HttpClient (and its resilience pipeline) in IHttpClientFactory.</summary>
    public static string HttpClientName(string id) => "platform-" + id;
}
