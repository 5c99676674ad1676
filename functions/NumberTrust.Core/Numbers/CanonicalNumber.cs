namespace NumberTrust.Numbers;

/// <summary>What kind of line a number is, as libphonenumber classifies it (plus short codes).</summary>
public enum NumberType
{
    Unknown,
    Mobile,
    FixedLine,
    FixedLineOrMobile,
    TollFree,
    /// <summary>Shared-cost lines; China's 400 numbers are in this class.</summary>
    SharedCost,
    PremiumRate,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    /// <summary>Carrier or service short codes such as 95588 or 10086; dialable only inside their country.</summary>
    ShortCode,
}

/// <summary>
/// A phone number in canonical form. <see cref="E164"/> is the identity used everywhere (table keys, URLs, platform lookups);
/// short codes use the same shape (<c>+86</c> followed by the short code) so one key space holds every number.
/// </summary>
/// <param name="E164">Canonical key, e.g. <c>+8613800138000</c>.</param>
/// <param name="CountryCode">Calling code, e.g. 86.</param>
/// <param name="NationalNumber">National significant number without trunk prefix, e.g. <c>13800138000</c> or <c>1065529988</c>.</param>
/// <param name="Region">ISO 3166 region the number belongs to, e.g. <c>CN</c>.</param>
/// <param name="Type">Line type.</param>
public sealed record CanonicalNumber(string E164, int CountryCode, string NationalNumber, string Region, NumberType Type)
{
    /// <summary>The number as dialled inside its own country: trunk prefix for CN landlines (<c>01065529988</c>), bare for mobiles and short codes.</summary>
    public string NationalDialString { get; init; } = NationalNumber;

    public override string ToString() => E164;
}
