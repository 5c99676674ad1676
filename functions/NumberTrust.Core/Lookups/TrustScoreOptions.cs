namespace NumberTrust.Lookups;

/// <summary>
/// Weights of the trust score. Score = round(100 × Π over labeled platforms of (1 − reach(platform) × weight(category))):
/// 100 = labeled nowhere, 0 = labeled as fraud on a platform that reaches every caller. A platform-stated severity multiplies
/// the category's weight. Platforms that could not be read do not lower the score; the status shows them as unknown instead.
/// </summary>
public sealed class TrustScoreOptions
{
    public const string Section = "TrustScore";

    /// <summary>Share of callers a platform's label reaches (0..1).</summary>
    public Dictionary<string, double> PlatformReach { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["qihoo360"] = 0.9,
        ["tencent"] = 0.9,
        ["baidu"] = 0.6,
        ["baidu-haoma"] = 0.5,
        ["sogou"] = 0.4,
        ["telnyx"] = 0.8,
        ["nomorobo"] = 0.3,
    };

    /// <summary>Reach of platforms missing from <see cref="PlatformReach"/> (operator-defined ones).</summary>
    public double DefaultReach { get; set; } = 0.5;

    /// <summary>How much a category hurts (0..1).</summary>
    public Dictionary<string, double> CategoryWeight { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Fraud"] = 1.0,
        ["Harassment"] = 0.8,
        ["Illegal"] = 0.8,
        ["Pornography"] = 0.8,
        ["Robocall"] = 0.7,
        ["Sales"] = 0.6,
        ["Spam"] = 0.6,
        ["OneRing"] = 0.6,
        ["RealEstateAgent"] = 0.45,
        ["Insurance"] = 0.45,
        ["Finance"] = 0.45,
        ["Recruiter"] = 0.45,
        ["DebtCollection"] = 0.45,
        ["Invoice"] = 0.45,
        ["Political"] = 0.4,
        ["Survey"] = 0.3,
        ["Education"] = 0.3,
        ["Medical"] = 0.3,
        ["Travel"] = 0.3,
        ["FoodAndDrugSales"] = 0.3,
        ["NonProfit"] = 0.2,
        ["Delivery"] = 0.15,
        ["Takeaway"] = 0.15,
        ["Taxi"] = 0.15,
        ["CustomerService"] = 0.1,
        ["Business"] = 0.05,
    };

    public double DefaultCategoryWeight { get; set; } = 0.5;

    /// <summary>How much a platform-stated severity (Nomorobo's SEVERE) raises its category's weight (the result is capped at 1).</summary>
    public Dictionary<string, double> SeverityFactor { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["severe"] = 1.5,
    };
}
