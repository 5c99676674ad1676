namespace NumberTrust.Platforms;

/// <summary>Each platform's block and captcha recognition, shared by its adapter and its circuit breaker.</summary>
public static class PlatformBlockDetection
{
    public static Func<PlatformResponse, UnknownReason?> For(string platformId) => platformId switch
    {
        PlatformIds.Baidu => BaiduAdapter.DetectBlockPage,
        PlatformIds.BaiduHaoma => BaiduHaomaAdapter.DetectBlockPage,
        PlatformIds.Qihoo360 => Qihoo360Adapter.DetectBlockPage,
        PlatformIds.Sogou => SogouAdapter.DetectBlockPage,
        PlatformIds.Tencent => TencentAdapter.DetectBlockPage,
        PlatformIds.Telnyx => TelnyxAdapter.DetectBlockPage,
        PlatformIds.Nomorobo => NomoroboAdapter.DetectBlockPage,
        _ => JsonApiAdapter.DetectBlockPage,
    };
}
