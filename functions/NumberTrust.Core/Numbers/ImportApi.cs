using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Numbers;

public enum ImportRowStatus
{
    Imported,
    Failed,
}

public sealed record ImportRowResult(int Row, string Input, string? Number, ImportRowStatus Status, string? Error);

public sealed record ImportReport(int Total, int Imported, int Failed, IReadOnlyList<ImportRowResult> Rows);

/// <summary>
/// <c>POST /api/numbers/import</c>: a CSV of registrations. Every row gets a result; bad rows are reported with their row
/// number and reason and good rows are stored. Columns: <c>number</c> (required), <c>displayName</c>, <c>department</c>,
/// <c>tags</c> and <c>platforms</c> (separated by <c>;</c> or <c>|</c>), <c>cadence</c>, <c>region</c>.
/// A column that is present replaces the stored value (an empty cell clears it); an absent column leaves it as it is.
/// </summary>
public static class ImportApi
{
    public const int MaxRows = 50_000;

    public static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpRequest request, CurrentTenant tenant, NumberImporter importer, CancellationToken cancellationToken)
    {
        if (request.ContentType is { Length: > 0 } contentType && !HttpBody.IsMediaType(contentType, "text/csv", "application/csv", "text/plain"))
        {
            return Problems.UnsupportedMediaType("text/csv");
        }

        var bytes = await HttpBody.ReadBytesAsync(request, HttpBody.MaxCsvBytes, cancellationToken);
        if (!bytes.IsValid)
        {
            return bytes.Problem;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Value);
        }
        catch (DecoderFallbackException)
        {
            return Problems.BadRequestProblem("The CSV must be UTF-8 encoded.");
        }

        var parsed = importer.Parse(text, tenant.Context);
        if (!parsed.IsValid)
        {
            return parsed.Problem;
        }

        return TypedResults.Ok(await importer.StoreAsync(tenant.Id, parsed.Value, cancellationToken));
    }
}
