namespace NumberTrust.Labels;

/// <summary>
/// The built-in mapping from label text seen on the platforms (facts sheet: Chinese variants; Hiya, TNS, First Orion, Nomorobo and
/// Telnyx categories) to canonical categories. Keys are written in normalised form (<see cref="LabelTaxonomy.Normalise"/>).
/// </summary>
internal static class LabelVocabulary
{
    public static readonly IReadOnlyDictionary<string, LabelCategory> Default = Build();

    private static Dictionary<string, LabelCategory> Build()
    {
        var map = new Dictionary<string, LabelCategory>(StringComparer.Ordinal);
        void Add(LabelCategory category, params string[] texts)
        {
            foreach (var text in texts)
            {
                map.Add(LabelTaxonomy.Normalise(text), category);
            }
        }

        // Chinese platforms (360, Baidu, Sogou, Tencent, OEM yellow pages).
        Add(LabelCategory.Harassment, "骚扰电话", "骚扰", "骚扰来电");
        Add(LabelCategory.Fraud, "诈骗电话", "疑似诈骗", "涉诈电话", "疑似欺诈电话", "诈骗", "欺诈电话", "疑似涉诈");
        Add(LabelCategory.Sales, "广告推销", "推销", "广告营销", "非应邀商业电话", "营销推广", "广告");
        Add(LabelCategory.RealEstateAgent, "房产中介", "中介");
        Add(LabelCategory.Insurance, "保险理财", "保险销售", "保险推销");
        Add(LabelCategory.Finance, "金融理财", "贷款理财", "股票证券");
        Add(LabelCategory.Recruiter, "招聘猎头");
        Add(LabelCategory.Delivery, "快递送餐", "快递服务", "快递物流", "快递电话", "快递");
        Add(LabelCategory.Takeaway, "外卖送餐", "送餐外卖", "外卖");
        Add(LabelCategory.Taxi, "出租车", "出租司机", "出租车专车", "滴滴", "网约车");
        Add(LabelCategory.DebtCollection, "违规催收", "催收");
        Add(LabelCategory.Education, "教育培训");
        Add(LabelCategory.Medical, "医疗卫生");
        Add(LabelCategory.CustomerService, "客服热线", "客服电话");
        Add(LabelCategory.Invoice, "发票办证");
        Add(LabelCategory.Illegal, "违法电话");
        Add(LabelCategory.Pornography, "淫秽色情");
        Add(LabelCategory.Travel, "旅游推广");
        Add(LabelCategory.FoodAndDrugSales, "食药推销");
        Add(LabelCategory.Business, "企业电话");
        Add(LabelCategory.OneRing, "响一声");

        // Hiya nuisance categories, Telnyx spam_category values, First Orion, TNS.
        Add(LabelCategory.DebtCollection, "debt collector", "debt collection");
        Add(LabelCategory.Sales, "telemarketer", "telemarketing");
        Add(LabelCategory.Political, "political");
        Add(LabelCategory.Survey, "survey");
        Add(LabelCategory.NonProfit, "non-profit", "nonprofit");
        Add(LabelCategory.Robocall, "robocaller", "robocall");
        Add(LabelCategory.Spam, "general spam", "spam", "spam likely", "suspected spam", "potential spam", "nuisance", "nuisance likely",
            "flagged", "spam risk high");

        // Hiya fraud categories, First Orion "Scam Likely", TNS "Potential Scam" / "Potential Fraud", Nomorobo SCAM.
        Add(LabelCategory.Fraud, "scam", "fraud", "scam likely", "potential scam", "potential fraud", "suspected fraud", "fraud risk",
            "irs", "irs scam", "tech support", "tech support scam", "vacation", "vacation scam", "tax", "tax scam", "phishing",
            "lucky winner", "extortion");

        // The canonical names themselves, so a vendor that already speaks this taxonomy (or a JSON-adapter CategoryPath) maps 1:1.
        foreach (var category in Enum.GetValues<LabelCategory>())
        {
            map.TryAdd(LabelTaxonomy.Normalise(category.ToString()), category);
        }

        return map;
    }
}
