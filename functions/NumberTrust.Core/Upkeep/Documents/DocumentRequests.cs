using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Tenants;

namespace NumberTrust.Upkeep.Documents;

/// <summary>The kinds of qualification documents the seed's quarterly review covers.</summary>
public static class DocumentKinds
{
    public static readonly IReadOnlyList<string> All =
        ["business_licence", "industry_permit", "practitioner_certificate", "trademark", "authorization_letter", "other"];
}

/// <summary>Body of <c>POST /api/documents</c> and <c>PUT /api/documents/{documentId}</c>.</summary>
public sealed record DocumentRequest(
    [property: Description("business_licence, industry_permit, practitioner_certificate, trademark, authorization_letter or other.")] string? Kind = null,
    [property: Description("A name for people, e.g. 医疗机构执业许可证.")] string? Title = null,
    [property: Description("Who issued it.")] string? Issuer = null,
    [property: Description("The document's own number.")] string? DocumentNumber = null,
    [property: Description("Last day it is valid (yyyy-MM-dd); reminders go out 30 and 7 days before and on the day.")] string? Expires = null,
    [property: Description("The registered number it is for (any format); leave out for the tenant's own documents.")] string? Number = null)
{
    public Validated<DocumentInput> Parse(CurrentTenant tenant)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var kind = UpkeepInput.Text(Kind, "kind", required: true, errors, max: 64)?.ToLowerInvariant();
        if (kind is not null && !DocumentKinds.All.Contains(kind))
        {
            errors["kind"] = [$"kind must be one of {string.Join(", ", DocumentKinds.All)}."];
        }

        var title = UpkeepInput.Text(Title, "title", required: false, errors);
        var issuer = UpkeepInput.Text(Issuer, "issuer", required: false, errors);
        var documentNumber = UpkeepInput.Text(DocumentNumber, "documentNumber", required: false, errors, max: 100);
        var expires = UpkeepInput.Day(Expires, "expires", required: true, errors);
        CanonicalNumber? number = null;
        if (!string.IsNullOrWhiteSpace(Number))
        {
            var parsed = NumberParser.Parse(Number, tenant.DefaultRegion);
            if (parsed.Number is { } canonical)
            {
                number = canonical;
            }
            else
            {
                errors["number"] = [parsed.Error!];
            }
        }

        return errors.Count > 0 ? Problems.Invalid(errors) : new DocumentInput(kind!, title, issuer, documentNumber, expires!.Value, number);
    }
}

/// <summary>A checked document.</summary>
public sealed record DocumentInput(string Kind, string? Title, string? Issuer, string? DocumentNumber, DateOnly Expires, CanonicalNumber? Number);

/// <summary>The route of <c>/api/documents/{documentId}</c>.</summary>
public sealed record DocumentRoute(string DocumentId)
{
    public Validated<string> Parse() =>
        DocumentId is { Length: > 0 and <= 64 } id && id.All(char.IsAsciiLetterOrDigit)
            ? id
            : Problems.Invalid("documentId", $"'{Display.Shorten(DocumentId)}' is not a document id.");
}

/// <summary>Query of <c>GET /api/documents</c>.</summary>
public sealed record DocumentListQuery(
    [FromQuery(Name = "number")] [property: Description("Only the documents of this number (any format).")] string? Number,
    [FromQuery(Name = "expires-before")] [property: Description("Only documents whose expiry is on or before this day (yyyy-MM-dd).")] string? ExpiresBefore);

/// <summary>A document as the API shows it; <see cref="DaysLeft"/> counts from the tenant's today.</summary>
public sealed record DocumentView(
    string Id, string Kind, string? Title, string? Issuer, string? DocumentNumber, string Expires, string? Number, int DaysLeft,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DocumentView Of(DocumentEntity entity, DateOnly today) => new(
        entity.RowKey, entity.Kind, entity.Title, entity.Issuer, entity.DocumentNumber, entity.Expires, entity.Number,
        (UpkeepInput.Parse(entity.Expires) ?? today).DayNumber - today.DayNumber, entity.CreatedAt, entity.UpdatedAt);
}

/// <summary>The answer of <c>GET /api/documents</c>, in expiry order.</summary>
public sealed record DocumentList(IReadOnlyList<DocumentView> Items);
