using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using NumberTrust.Storage;

namespace NumberTrust.Upkeep.Reports;

/// <summary>A tenant's public report link, as listed (the token itself is shown only when the link is created).</summary>
public sealed record ReportLinkView(string Id, string? Name, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>
/// Report links in table <c>UpkeepReports</c>: partition <c>token|{SHA-256 of the token}</c> (row <c>link</c>: tenant, link id, revoked),
/// found with one point read per public post; and partition = tenant, row <c>link|{id}</c> (hash, name, created, revoked) for the tenant's list.
/// </summary>
public sealed class ReportLinkStore(StorageAccount storage, TimeProvider time)
{
    private const string TokenRow = "link";
    private const string LinkPrefix = "link|";

    private TableClient Table => storage.Table(TableNames.UpkeepReports);

    public async Task<(ReportLinkView Link, string Token)> CreateAsync(string tenantId, string? name, CancellationToken cancellationToken)
    {
        // 256 random bits, URL-safe: a link can be guessed no better than a key.
        var token = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var id = "rl_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var now = time.GetUtcNow();
        var hash = HashOf(token);
        await Table.AddEntityAsync(new TableEntity("token|" + hash, TokenRow) { ["TenantId"] = tenantId, ["LinkId"] = id, ["Revoked"] = false }, cancellationToken);
        await Table.AddEntityAsync(new TableEntity(tenantId, LinkPrefix + id) { ["Hash"] = hash, ["Name"] = name, ["CreatedAt"] = now, ["Revoked"] = false }, cancellationToken);
        return (new ReportLinkView(id, name, now, false), token);
    }

    public async Task<IReadOnlyList<ReportLinkView>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var result = new List<ReportLinkView>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableKeys.WithPrefix(tenantId, LinkPrefix), cancellationToken: cancellationToken))
        {
            result.Add(View(row));
        }

        return result;
    }

    /// <summary>Revokes a link: the token row first (what the public endpoint reads), then the listed row. False when the tenant has no such link.</summary>
    public async Task<ReportLinkView?> RevokeAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, LinkPrefix + id, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } row)
        {
            return null;
        }

        await Table.UpsertEntityAsync(new TableEntity("token|" + row.GetString("Hash"), TokenRow) { ["TenantId"] = tenantId, ["LinkId"] = id, ["Revoked"] = true },
            TableUpdateMode.Merge, cancellationToken);
        row["Revoked"] = true;
        await Table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return View(row);
    }

    /// <summary>The tenant and link a token belongs to, or null for a malformed, unknown or revoked token.</summary>
    public async Task<(string TenantId, string LinkId)?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }

        var found = await Table.GetEntityIfExistsAsync<TableEntity>("token|" + HashOf(token), TokenRow, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } row && row.GetBoolean("Revoked") != true && row.GetString("TenantId") is { } tenant
            ? (tenant, row.GetString("LinkId") ?? "")
            : null;
    }

    /// <summary>43 URL-safe base64 characters, checked before anything is read.</summary>
    public static bool IsWellFormed(string token) => token.Length == 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)));

    private static ReportLinkView View(TableEntity row) =>
        new(row.RowKey[LinkPrefix.Length..], row.GetString("Name"), row.GetDateTimeOffset("CreatedAt") ?? default, row.GetBoolean("Revoked") ?? false);

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
