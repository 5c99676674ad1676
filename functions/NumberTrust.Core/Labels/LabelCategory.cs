using System.Text.Json.Serialization;

namespace NumberTrust.Labels;

/// <summary>
/// The canonical label categories every platform's own label text is mapped to. Serialised by name; the names are stable
/// (stored in tables and sent to clients), so never rename a member. Severity is not the declaration order: it comes from
/// <see cref="LabelOptions.SeverityOrder"/> (default <see cref="LabelTaxonomy.DefaultSeverityOrder"/>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LabelCategory>))]
public enum LabelCategory
{
    /// <summary>Unmapped label text, kept verbatim in the label text.</summary>
    Other,
    /// <summary>诈骗电话, 疑似诈骗, scam, IRS / tech-support / phishing scams, TNS "Potential Fraud".</summary>
    Fraud,
    /// <summary>违法电话.</summary>
    Illegal,
    /// <summary>淫秽色情.</summary>
    Pornography,
    /// <summary>发票办证 (fake invoices and certificates).</summary>
    Invoice,
    /// <summary>骚扰电话.</summary>
    Harassment,
    /// <summary>Unspecific spam or nuisance: Hiya "general spam", First Orion "Spam", TNS "Potential Spam", Telnyx spam_risk high.</summary>
    Spam,
    /// <summary>Robocalls (Nomorobo ROBOCALL, Hiya robocaller).</summary>
    Robocall,
    /// <summary>响一声 (one-ring / wangiri).</summary>
    OneRing,
    /// <summary>Telemarketing and advertising: 广告推销, 推销, 广告营销, 非应邀商业电话, telemarketer.</summary>
    Sales,
    /// <summary>违规催收, debt collector.</summary>
    DebtCollection,
    /// <summary>房产中介, 中介.</summary>
    RealEstateAgent,
    /// <summary>保险理财, 保险销售, 保险推销.</summary>
    Insurance,
    /// <summary>金融理财, 贷款理财, 股票证券 (loans, stocks).</summary>
    Finance,
    /// <summary>招聘猎头.</summary>
    Recruiter,
    /// <summary>食药推销.</summary>
    FoodAndDrugSales,
    /// <summary>旅游推广.</summary>
    Travel,
    /// <summary>教育培训.</summary>
    Education,
    /// <summary>医疗卫生.</summary>
    Medical,
    /// <summary>Political calls (Hiya, Telnyx).</summary>
    Political,
    /// <summary>Surveys (Hiya, Telnyx).</summary>
    Survey,
    /// <summary>快递送餐, 快递服务, 快递物流, 快递电话.</summary>
    Delivery,
    /// <summary>外卖送餐, 送餐外卖.</summary>
    Takeaway,
    /// <summary>出租车, 出租车专车, 滴滴, 网约车 (taxi and ride-hailing).</summary>
    Taxi,
    /// <summary>客服热线.</summary>
    CustomerService,
    /// <summary>Non-profit callers (Hiya, Telnyx).</summary>
    NonProfit,
    /// <summary>企业电话, or a verified business name shown instead of a user label.</summary>
    Business,
}
