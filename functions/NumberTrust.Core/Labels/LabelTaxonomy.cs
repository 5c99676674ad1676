using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NumberTrust.Labels;

/// <summary>A platform label mapped to the canonical taxonomy.</summary>
/// <param name="Category">Canonical category; <see cref="LabelCategory.Other"/> when the text is not known.</param>
/// <param name="NormalisedText">The text after normalisation (width, quotes, whitespace, trailing punctuation).</param>
/// <param name="IsMapped">False when the text fell through to <see cref="LabelCategory.Other"/>.</param>
public readonly record struct LabelClassification(LabelCategory Category, string NormalisedText, bool IsMapped);

/// <summary>
/// Maps every platform's label text to one canonical category and orders categories by severity. The order is explicit and
/// configurable (<c>Labels:SeverityOrder</c>) because no official cross-platform ordering exists.
/// </summary>
public sealed partial class LabelTaxonomy
{
    /// <summary>Default severity order, worst first.</summary>
    public static readonly IReadOnlyList<LabelCategory> DefaultSeverityOrder =
    [
        LabelCategory.Fraud,
        LabelCategory.Illegal,
        LabelCategory.Pornography,
        LabelCategory.Invoice,
        LabelCategory.Harassment,
        LabelCategory.Spam,
        LabelCategory.Robocall,
        LabelCategory.OneRing,
        LabelCategory.Sales,
        LabelCategory.DebtCollection,
        LabelCategory.RealEstateAgent,
        LabelCategory.Insurance,
        LabelCategory.Finance,
        LabelCategory.Recruiter,
        LabelCategory.FoodAndDrugSales,
        LabelCategory.Travel,
        LabelCategory.Education,
        LabelCategory.Medical,
        LabelCategory.Political,
        LabelCategory.Survey,
        LabelCategory.Other,
        LabelCategory.Delivery,
        LabelCategory.Takeaway,
        LabelCategory.Taxi,
        LabelCategory.CustomerService,
        LabelCategory.NonProfit,
        LabelCategory.Business,
    ];

    // Bounded so a platform that starts emitting endless distinct garbage cannot grow memory without limit.
    private const int MaxRememberedUnmapped = 10_000;

    private static readonly string[] Quotes = ["\"", "'", "“", "”", "‘", "’", "「", "」", "『", "』", "《", "》", "〝", "〞", "`"];
    private static readonly char[] TrailingPunctuation = ['.', ',', ';', ':', '!', '?', '。', '，', '；', '：', '！', '？', '、', '…', '~', '～', '-', '—'];
    private static readonly string[] SuspectedPrefixes = ["疑似为", "疑似是", "疑似"];

    private readonly Dictionary<string, LabelCategory> _map;
    private readonly Dictionary<LabelCategory, int> _rank;
    private readonly ConcurrentDictionary<string, byte> _unmappedSeen = new(StringComparer.Ordinal);
    private readonly ILogger<LabelTaxonomy> _logger;

    public LabelTaxonomy(IOptions<LabelOptions> options, ILogger<LabelTaxonomy> logger)
    {
        _logger = logger;
        var settings = options.Value;
        _map = new Dictionary<string, LabelCategory>(LabelVocabulary.Default, StringComparer.Ordinal);
        foreach (var (text, category) in settings.Mappings)
        {
            if (TryParseCategory(category, out var parsed))
            {
                _map[Normalise(text)] = parsed;
            }
        }

        var configured = settings.SeverityOrder
            .Select(s => TryParseCategory(s, out var c) ? c : (LabelCategory?)null)
            .OfType<LabelCategory>()
            .Distinct()
            .ToList();
        var order = configured.Concat(DefaultSeverityOrder.Where(c => !configured.Contains(c))).ToList();
        SeverityOrder = order;
        _rank = order.Select((category, index) => (category, rank: order.Count - index)).ToDictionary(x => x.category, x => x.rank);
    }

    /// <summary>The effective severity order, worst first.</summary>
    public IReadOnlyList<LabelCategory> SeverityOrder { get; }

    /// <summary>Maps a platform's label text. Unmapped text becomes <see cref="LabelCategory.Other"/> and is logged once per distinct text.</summary>
    public LabelClassification Classify(string platformId, string labelText)
    {
        var normalised = Normalise(labelText);
        if (TryMap(normalised, out var category))
        {
            return new LabelClassification(category, normalised, true);
        }

        if (normalised.Length > 0 && _unmappedSeen.Count < MaxRememberedUnmapped && _unmappedSeen.TryAdd(normalised, 0))
        {
            Log.UnmappedLabel(_logger, platformId, labelText, normalised);
        }

        return new LabelClassification(LabelCategory.Other, normalised, false);
    }

    /// <summary>Severity rank: higher is worse; every category has a rank of at least 1.</summary>
    public int Rank(LabelCategory category) => _rank[category];

    /// <summary>Severity rank of a stored category name; 0 for none, the rank of <see cref="LabelCategory.Other"/> for unknown names.</summary>
    public int Rank(string? category) =>
        string.IsNullOrEmpty(category) ? 0 : TryParseCategory(category, out var parsed) ? Rank(parsed) : Rank(LabelCategory.Other);

    /// <summary>Positive when <paramref name="a"/> is more severe than <paramref name="b"/>.</summary>
    public int Compare(LabelCategory a, LabelCategory b) => Rank(a).CompareTo(Rank(b));

    /// <summary>The most severe category, or null for an empty sequence.</summary>
    public LabelCategory? Worst(IEnumerable<LabelCategory> categories)
    {
        LabelCategory? worst = null;
        foreach (var category in categories)
        {
            if (worst is null || Rank(category) > Rank(worst.Value))
            {
                worst = category;
            }
        }

        return worst;
    }

    /// <summary>
    /// NFKC (full-width to half-width), surrounding and embedded quotes removed, whitespace collapsed, trailing punctuation
    /// trimmed, Latin letters lower-cased. Chinese text keeps its characters.
    /// </summary>
    public static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var value = text.Normalize(NormalizationForm.FormKC);
        foreach (var quote in Quotes)
        {
            value = value.Replace(quote, "", StringComparison.Ordinal);
        }

        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var ch in value)
        {
            if (char.IsWhiteSpace(ch) || char.GetUnicodeCategory(ch) == UnicodeCategory.Format)
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                // Spaces inside Chinese text ("骚扰 电话") are layout noise; between Latin words they separate words.
                if (ch < 0x2E80 || builder[^1] < 0x2E80)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
            }

            builder.Append(char.ToLowerInvariant(ch));
        }

        return builder.ToString().TrimEnd(TrailingPunctuation).Trim().TrimStart(TrailingPunctuation).Trim();
    }

    public static bool TryParseCategory(string? name, out LabelCategory category)
    {
        category = LabelCategory.Other;
        return !string.IsNullOrWhiteSpace(name)
            && !int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            && Enum.TryParse(name.Trim(), ignoreCase: true, out category)
            && Enum.IsDefined(category);
    }

    private bool TryMap(string normalised, out LabelCategory category)
    {
        if (normalised.Length == 0)
        {
            category = LabelCategory.Other;
            return false;
        }

        if (_map.TryGetValue(normalised, out category))
        {
            return true;
        }

        // Wording variants seen on cards: "疑似为诈骗电话", "骚扰" vs "骚扰电话".
        foreach (var prefix in SuspectedPrefixes)
        {
            if (normalised.StartsWith(prefix, StringComparison.Ordinal) && normalised.Length > prefix.Length &&
                TryMap(normalised[prefix.Length..], out category))
            {
                return true;
            }
        }

        if (normalised.EndsWith("电话", StringComparison.Ordinal) && normalised.Length > 2 &&
            _map.TryGetValue(normalised[..^2], out category))
        {
            return true;
        }

        if (!normalised.EndsWith("电话", StringComparison.Ordinal) && _map.TryGetValue(normalised + "电话", out category))
        {
            return true;
        }

        category = LabelCategory.Other;
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6100, Level = LogLevel.Warning, Message = "Unmapped label on {Platform}: '{LabelText}' (normalised '{Normalised}') is kept verbatim as Other")]
        public static partial void UnmappedLabel(ILogger logger, string platform, string labelText, string normalised);
    }
}
