using System.Text.Json;
using Azure.Data.Tables;
using NumberTrust.Hosting;
using NumberTrust.Lookups;

namespace NumberTrust.Numbers;

/// <summary>
/// Each watching tenant's registration, copied into the number's status row (<c>R_{tenant}</c>) so that a status lookup is one
/// point read; the registration row stays the truth (docs/architecture.md, "One read per status lookup").
/// </summary>
public static class RegistrationCopy
{
    /// <summary>Copies kept per number; tenants past this read their registration row (a status row holds at most 252 properties).</summary>
    public const int MaxCopies = 150;

    private const string Prefix = "R_";

    /// <summary>The status-row property of a tenant's copy (tenant ids are lower-case letters, digits and '-').</summary>
    public static string Property(string tenantId) => Prefix + LabelFingerprint.PropertySafe(tenantId);

    /// <summary>The marker a write leaves while the registration row may be changing.</summary>
    public static string Pending(string tenantId, string token) => Json(new Stored(tenantId, token, null));

    /// <summary>The copy of a registration that is now stored.</summary>
    public static string Of(RegistrationEntity registration) => Json(new Stored(registration.PartitionKey, null, new Fields(
        registration.DisplayName, registration.Department, registration.Tags, registration.Cadence, registration.Platforms,
        registration.Region, registration.NumberType, registration.CreatedAt, registration.UpdatedAt, registration.Revision)));

    /// <summary>Whether the status row still holds this write's marker.</summary>
    public static bool IsPending(TableEntity row, string tenantId, string token) =>
        Read(row, tenantId) is { Pending: { } pending } && pending == token;

    /// <summary>The tenant's registration from the status row, or null when the registration row must be read.</summary>
    public static RegistrationEntity? Registration(TableEntity row, string tenantId, string e164)
    {
        if (Read(row, tenantId) is not { Pending: null, Registration: { Revision: not null } copy })
        {
            return null;
        }

        return new RegistrationEntity
        {
            PartitionKey = tenantId,
            RowKey = e164,
            DisplayName = copy.DisplayName,
            Department = copy.Department,
            Tags = copy.Tags,
            Cadence = copy.Cadence,
            Platforms = copy.Platforms,
            Region = copy.Region,
            NumberType = copy.NumberType,
            CreatedAt = copy.CreatedAt,
            UpdatedAt = copy.UpdatedAt,
            Revision = copy.Revision,
        };
    }

    private static Stored? Read(TableEntity row, string tenantId)
    {
        if (row.GetString(Property(tenantId)) is not { Length: > 0 } json)
        {
            return null;
        }

        try
        {
            // The tenant id inside guards against two ids that map to the same property name.
            return JsonSerializer.Deserialize<Stored>(json, ApiJson.Options) is { } stored && stored.Tenant == tenantId ? stored : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Json(Stored stored) => JsonSerializer.Serialize(stored, ApiJson.Options);

    private sealed record Stored(string Tenant, string? Pending, Fields? Registration);

    private sealed record Fields(
        string? DisplayName, string? Department, string Tags, string Cadence, string Platforms, string Region, string NumberType,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Revision);
}
