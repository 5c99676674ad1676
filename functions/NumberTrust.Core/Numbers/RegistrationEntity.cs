using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace NumberTrust.Numbers;

/// <summary>A tenant's registration of a number. Partition = tenant id, row key = E.164: a tenant's list is one partition scan.</summary>
public sealed class RegistrationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string? DisplayName { get; set; }

    public string? Department { get; set; }

    /// <summary>JSON array of normalised tags.</summary>
    public string Tags { get; set; } = "[]";

    public string Cadence { get; set; } = nameof(MonitoringCadence.Auto);

    /// <summary>JSON array of platform ids; empty means every enabled platform for the number's market.</summary>
    public string Platforms { get; set; } = "[]";

    public string Region { get; set; } = "";

    public string NumberType { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Label summary of the number, denormalised by the scan pipeline for list filters.</summary>
    public bool Labeled { get; set; }

    /// <summary>JSON array of platform ids where the number is labeled.</summary>
    public string? LabeledPlatforms { get; set; }

    /// <summary>JSON array of canonical categories the number is labeled with.</summary>
    public string? LabelCategories { get; set; }

    public string? WorstCategory { get; set; }

    /// <summary>Changed by every registration write and nothing else: the entity tag clients see, so label updates never fail an If-Match.</summary>
    public string? Revision { get; set; }

    /// <summary>The entity tag of the registration as its tenant wrote it (rows written before revisions fall back to the row ETag).</summary>
    [IgnoreDataMember]
    public string EntityTag => Revision is null ? ETag.ToString() : $"W/\"{Revision}\"";

    /// <summary>
    /// The row a registration write stores: the input over the existing row (every field, or only <paramref name="columns"/>
    /// when given, as a CSV import does), keeping the existing row's creation time and the scan pipeline's label summary.
    /// </summary>
    public static RegistrationEntity Build(
        string tenantId, CanonicalNumber number, RegistrationInput input, RegistrationEntity? existing, DateTimeOffset now,
        IReadOnlySet<string>? columns = null)
    {
        bool Has(string column) => existing is null || columns is null || columns.Contains(column);
        return new RegistrationEntity
        {
            PartitionKey = tenantId,
            RowKey = number.E164,
            DisplayName = Has(RegistrationInput.Fields.DisplayName) ? input.DisplayName : existing!.DisplayName,
            Department = Has(RegistrationInput.Fields.Department) ? input.Department : existing!.Department,
            Tags = Has(RegistrationInput.Fields.Tags) ? JsonSerializer.Serialize(input.Tags) : existing!.Tags,
            Cadence = Has(RegistrationInput.Fields.Cadence) ? input.Cadence.ToString() : existing!.Cadence,
            Platforms = Has(RegistrationInput.Fields.Platforms) ? JsonSerializer.Serialize(input.Platforms) : existing!.Platforms,
            Region = number.Region,
            NumberType = number.Type.ToString(),
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
            Labeled = existing?.Labeled ?? false,
            LabeledPlatforms = existing?.LabeledPlatforms,
            LabelCategories = existing?.LabelCategories,
            WorstCategory = existing?.WorstCategory,
            Revision = Guid.NewGuid().ToString("N")[..20],
        };
    }

    /// <summary>The registration's number, rebuilt from its stored key and line type.</summary>
    public CanonicalNumber Number() => NumberParser.FromStored(RowKey, Region, NumberType);

    /// <summary>Whether this write may need to start the number's schedule (a new registration, or one woken from paused).</summary>
    public static bool MayNeedSchedule(RegistrationEntity? existing) =>
        existing is null || existing.Cadence == nameof(MonitoringCadence.Paused);

    [IgnoreDataMember]
    public IReadOnlyList<string> TagList => JsonSerializer.Deserialize<string[]>(Tags) ?? [];

    [IgnoreDataMember]
    public IReadOnlyList<string> PlatformList => JsonSerializer.Deserialize<string[]>(Platforms) ?? [];
}
