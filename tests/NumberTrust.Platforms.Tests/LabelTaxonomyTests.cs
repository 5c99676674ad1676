using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NumberTrust.Labels;

namespace NumberTrust.Platforms.Tests;

public sealed class LabelTaxonomyTests
{
    private static (LabelTaxonomy Taxonomy, TestLoggerProvider Logs) Create(Dictionary<string, string?>? settings = null)
    {
        var logs = new TestLoggerProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .AddLabelTaxonomy(configuration)
            .BuildServiceProvider();
        return (services.GetRequiredService<LabelTaxonomy>(), logs);
    }

    public static TheoryData<string, LabelCategory> FactsSheetLabels => new()
    {
        { "骚扰电话", LabelCategory.Harassment },
        { "诈骗电话", LabelCategory.Fraud }, { "疑似诈骗", LabelCategory.Fraud }, { "涉诈电话", LabelCategory.Fraud }, { "疑似欺诈电话", LabelCategory.Fraud },
        { "广告推销", LabelCategory.Sales }, { "推销", LabelCategory.Sales }, { "广告营销", LabelCategory.Sales }, { "非应邀商业电话", LabelCategory.Sales },
        { "房产中介", LabelCategory.RealEstateAgent }, { "中介", LabelCategory.RealEstateAgent },
        { "保险理财", LabelCategory.Insurance }, { "保险销售", LabelCategory.Insurance }, { "保险推销", LabelCategory.Insurance },
        { "金融理财", LabelCategory.Finance }, { "贷款理财", LabelCategory.Finance }, { "股票证券", LabelCategory.Finance },
        { "招聘猎头", LabelCategory.Recruiter },
        { "快递送餐", LabelCategory.Delivery }, { "快递服务", LabelCategory.Delivery }, { "快递物流", LabelCategory.Delivery }, { "快递电话", LabelCategory.Delivery },
        { "外卖送餐", LabelCategory.Takeaway }, { "送餐外卖", LabelCategory.Takeaway },
        { "出租车", LabelCategory.Taxi }, { "出租司机", LabelCategory.Taxi }, { "出租车专车", LabelCategory.Taxi }, { "滴滴", LabelCategory.Taxi }, { "网约车", LabelCategory.Taxi },
        { "违规催收", LabelCategory.DebtCollection },
        { "教育培训", LabelCategory.Education },
        { "医疗卫生", LabelCategory.Medical },
        { "客服热线", LabelCategory.CustomerService },
        { "发票办证", LabelCategory.Invoice },
        { "违法电话", LabelCategory.Illegal },
        { "淫秽色情", LabelCategory.Pornography },
        { "旅游推广", LabelCategory.Travel },
        { "食药推销", LabelCategory.FoodAndDrugSales },
        { "企业电话", LabelCategory.Business },
        { "响一声", LabelCategory.OneRing },
        // Hiya nuisance and fraud categories, Telnyx spam_category examples.
        { "Debt Collector", LabelCategory.DebtCollection }, { "Telemarketer", LabelCategory.Sales }, { "Political", LabelCategory.Political },
        { "Survey", LabelCategory.Survey }, { "Non-Profit", LabelCategory.NonProfit }, { "Nonprofit", LabelCategory.NonProfit },
        { "Robocaller", LabelCategory.Robocall }, { "General Spam", LabelCategory.Spam },
        { "IRS", LabelCategory.Fraud }, { "Tech Support", LabelCategory.Fraud }, { "Vacation", LabelCategory.Fraud }, { "Tax", LabelCategory.Fraud },
        { "Phishing", LabelCategory.Fraud }, { "Lucky Winner", LabelCategory.Fraud }, { "Extortion", LabelCategory.Fraud }, { "Scam", LabelCategory.Fraud },
        // TNS Call Guardian, First Orion, Nomorobo.
        { "Potential Spam", LabelCategory.Spam }, { "Potential Scam", LabelCategory.Fraud }, { "Potential Fraud", LabelCategory.Fraud },
        { "Scam Likely", LabelCategory.Fraud }, { "Spam", LabelCategory.Spam }, { "SCAM", LabelCategory.Fraud }, { "ROBOCALL", LabelCategory.Robocall },
    };

    [Theory]
    [MemberData(nameof(FactsSheetLabels))]
    public void Every_listed_label_maps_to_its_category(string text, LabelCategory expected)
    {
        var (taxonomy, _) = Create();
        var result = taxonomy.Classify("test", text);
        Assert.Equal(expected, result.Category);
        Assert.True(result.IsMapped);
    }

    [Theory]
    [InlineData("“骚扰电话”")]
    [InlineData("「骚扰电话」")]
    [InlineData("『骚扰电话』")]
    [InlineData("\"骚扰电话\"")]
    [InlineData("  骚扰电话 \t")]
    [InlineData("骚扰电话！")]
    [InlineData("骚扰电话，")]
    [InlineData("骚扰电话。")]
    [InlineData("骚扰 电话")]
    [InlineData("疑似为骚扰电话")]
    [InlineData("骚扰")]
    public void Punctuation_width_quote_and_whitespace_variants_map_the_same(string text)
    {
        var (taxonomy, _) = Create();
        Assert.Equal(LabelCategory.Harassment, taxonomy.Classify("test", text).Category);
    }

    [Fact]
    public void Full_width_latin_and_spaces_are_normalised()
    {
        Assert.Equal("debt collector", LabelTaxonomy.Normalise("\u3000ＤＥＢＴ　Ｃｏｌｌｅｃｔｏｒ：\u3000"));
        var (taxonomy, _) = Create();
        Assert.Equal(LabelCategory.DebtCollection, taxonomy.Classify("telnyx", "ＤＥＢＴ　Ｃｏｌｌｅｃｔｏｒ").Category);
    }

    [Fact]
    public void Unmapped_text_is_kept_as_other_and_logged_once_per_distinct_text()
    {
        var (taxonomy, logs) = Create();
        var first = taxonomy.Classify("qihoo360", "外星人来电");
        taxonomy.Classify("qihoo360", "“外星人来电”");
        taxonomy.Classify("baidu", "外星人来电 ");
        taxonomy.Classify("baidu", "另一种新标签");

        Assert.Equal(LabelCategory.Other, first.Category);
        Assert.False(first.IsMapped);
        Assert.Equal("外星人来电", first.NormalisedText);
        var unmapped = logs.Entries.Where(e => e.Id.Id == 6100).ToList();
        Assert.Equal(2, unmapped.Count);
        Assert.Contains(unmapped, e => e.Message.Contains("外星人来电", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_severity_puts_fraud_above_harassment_above_sales_above_agents_above_delivery()
    {
        var (taxonomy, _) = Create();
        LabelCategory[] tiers =
        [
            LabelCategory.Fraud, LabelCategory.Harassment, LabelCategory.Sales, LabelCategory.RealEstateAgent, LabelCategory.Delivery, LabelCategory.Business,
        ];
        for (var i = 1; i < tiers.Length; i++)
        {
            Assert.True(taxonomy.Compare(tiers[i - 1], tiers[i]) > 0, $"{tiers[i - 1]} should be above {tiers[i]}");
        }

        foreach (var middle in new[] { LabelCategory.Insurance, LabelCategory.Finance, LabelCategory.Recruiter, LabelCategory.DebtCollection })
        {
            Assert.True(taxonomy.Rank(LabelCategory.Sales) > taxonomy.Rank(middle));
            Assert.True(taxonomy.Rank(middle) > taxonomy.Rank(LabelCategory.Delivery));
        }

        Assert.Equal(LabelCategory.Fraud, taxonomy.Worst([LabelCategory.Taxi, LabelCategory.Fraud, LabelCategory.Sales]));
        Assert.Null(taxonomy.Worst([]));
        Assert.Equal(Enum.GetValues<LabelCategory>().Length, taxonomy.SeverityOrder.Count);
        Assert.Equal(0, taxonomy.Rank((string?)null));
        Assert.Equal(taxonomy.Rank(LabelCategory.Fraud), taxonomy.Rank("Fraud"));
    }

    [Fact]
    public void Configured_severity_order_and_mappings_take_effect()
    {
        var (taxonomy, _) = Create(new()
        {
            ["Labels:SeverityOrder:0"] = "Delivery",
            ["Labels:SeverityOrder:1"] = "Fraud",
            ["Labels:Mappings:快递小哥"] = "Delivery",
        });

        Assert.Equal(LabelCategory.Delivery, taxonomy.SeverityOrder[0]);
        Assert.True(taxonomy.Compare(LabelCategory.Delivery, LabelCategory.Fraud) > 0);
        Assert.True(taxonomy.Compare(LabelCategory.Fraud, LabelCategory.Harassment) > 0); // unlisted keep the default order below
        Assert.Equal(LabelCategory.Delivery, taxonomy.Classify("x", "「快递小哥」").Category);
    }

    [Fact]
    public void Invalid_severity_order_stops_start_up_with_a_clear_message()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(new()
        {
            ["Labels:SeverityOrder:0"] = "Fraud",
            ["Labels:SeverityOrder:1"] = "Scammy",
            ["Labels:SeverityOrder:2"] = "Fraud",
        }));
        Assert.Contains("'Scammy' is not a label category", error.Message);
        Assert.Contains("lists 'Fraud' more than once", error.Message);
    }
}
