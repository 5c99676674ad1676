namespace NumberTrust.Platforms;

/// <summary>
/// A business identity a platform shows for the number (百度号码认证's 企业认证 card and similar): what callers see, never a label.
/// It never makes a lookup Labeled and never touches the trust score; upkeep compares it with what the tenant expects.
/// </summary>
/// <param name="DisplayName">The name as shown, verbatim (trimmed).</param>
/// <param name="VerificationSource">Who vouches for it as the platform states it (for example 企业认证).</param>
/// <param name="Certified">True when the platform marks the name as verified, false for an unverified directory name.</param>
public sealed record DisplayedIdentity(string DisplayName, string? VerificationSource, bool Certified);
