using NumberTrust.Labels;

namespace NumberTrust.Platforms;

/// <summary>How a platform is read.</summary>
public static class LookupMethods
{
    public const string WebPage = "web-page";
    public const string Jsonp = "jsonp";
    public const string Api = "api";
}

/// <summary>What a platform is and how it is read; its appeal facts come from <c>AppealRoutes</c>.</summary>
public sealed record PlatformDescriptor(
    string Id, string Name, string Market, string LookupMethod, bool Enabled, IReadOnlyList<LabelCategory> Categories);

/// <summary>The platform catalog of this deployment: static facts of the built-ins, configured facts of JSON-adapter platforms, and which are enabled.</summary>
public sealed class PlatformCatalog(IPlatformAdapterRegistry registry)
{
    private static readonly LabelCategory[] ChineseWebCategories =
    [
        LabelCategory.Fraud, LabelCategory.Illegal, LabelCategory.Pornography, LabelCategory.Invoice, LabelCategory.Harassment,
        LabelCategory.OneRing, LabelCategory.Sales, LabelCategory.DebtCollection, LabelCategory.RealEstateAgent, LabelCategory.Insurance,
        LabelCategory.Finance, LabelCategory.Recruiter, LabelCategory.FoodAndDrugSales, LabelCategory.Travel, LabelCategory.Education,
        LabelCategory.Medical, LabelCategory.Delivery, LabelCategory.Takeaway, LabelCategory.Taxi, LabelCategory.CustomerService,
        LabelCategory.Business, LabelCategory.Other,
    ];

    private static readonly Dictionary<string, (string Name, string Market, string Method, LabelCategory[] Categories)> BuiltIn = new()
    {
        [PlatformIds.Baidu] = ("百度 (Baidu search number card: 百度手机卫士 / 电话邦)", "CN", LookupMethods.WebPage, ChineseWebCategories),
        [PlatformIds.BaiduHaoma] = ("百度号码认证平台 (haoma.baidu.com)", "CN", LookupMethods.WebPage, ChineseWebCategories),
        [PlatformIds.Qihoo360] = ("360 (so.com search, 360手机卫士)", "CN", LookupMethods.WebPage, ChineseWebCategories),
        [PlatformIds.Sogou] = ("搜狗号码通 (Sogou)", "CN", LookupMethods.Jsonp, ChineseWebCategories),
        [PlatformIds.Tencent] = ("腾讯手机管家 (Tencent Cloud number security, SMPN)", "CN", LookupMethods.Api,
            [LabelCategory.Fraud, LabelCategory.Harassment, LabelCategory.Sales, LabelCategory.RealEstateAgent, LabelCategory.Insurance, LabelCategory.Delivery, LabelCategory.Taxi, LabelCategory.Other]),
        [PlatformIds.Telnyx] = ("Telnyx Number Reputation (Hiya data; registered with Hiya, First Orion and TNS)", "US", LookupMethods.Api,
            [LabelCategory.Fraud, LabelCategory.Spam, LabelCategory.Robocall, LabelCategory.Sales, LabelCategory.DebtCollection, LabelCategory.Political, LabelCategory.Survey, LabelCategory.NonProfit, LabelCategory.Other]),
        [PlatformIds.Nomorobo] = ("Nomorobo", "US", LookupMethods.WebPage, [LabelCategory.Fraud, LabelCategory.Robocall, LabelCategory.Other]),
    };

    /// <summary>Every platform of this deployment (built-ins and configured JSON-adapter platforms), enabled or not.</summary>
    public IReadOnlyList<PlatformDescriptor> Describe() =>
        registry.PlatformIds.Select(Describe).ToList();

    public PlatformDescriptor Describe(string id)
    {
        var options = registry.Options(id);
        if (BuiltIn.TryGetValue(id, out var facts))
        {
            var method = id == PlatformIds.Sogou && string.Equals(options.Variant, "web", StringComparison.OrdinalIgnoreCase) ? LookupMethods.WebPage : facts.Method;
            return new PlatformDescriptor(id, facts.Name, facts.Market, method, options.IsEnabled, facts.Categories);
        }

        return new PlatformDescriptor(
            id, options.Name ?? id, options.Market ?? "Global", LookupMethods.Api, options.IsEnabled, Enum.GetValues<LabelCategory>());
    }
}
