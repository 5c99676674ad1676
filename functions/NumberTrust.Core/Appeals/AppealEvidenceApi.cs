using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Appeals;

/// <summary>Evidence files of an appeal: upload (content-sniffed, size-limited, SHA-256 kept), download and delete, by kind.</summary>
public static class AppealEvidenceApi
{
    public static RouteGroupBuilder MapAppealEvidence(this RouteGroupBuilder appeals)
    {
        appeals.MapPut(ApiRoutes.AppealEvidence, PutAsync).WithName(FunctionNames.PutAppealEvidence)
            .AcceptsBody<byte[]>("application/pdf", "image/jpeg", "image/png")
            .WithSummary($"Upload one evidence file (name = kind: {string.Join(", ", EvidenceKinds.All)}); PDF, JPEG or PNG by content, 1 byte to {EvidenceSniffer.MaxBytes} bytes. Replaces an earlier file of that kind. Honours If-Match.");
        appeals.MapGet(ApiRoutes.AppealEvidence, GetAsync).WithName(FunctionNames.GetAppealEvidence)
            .WithSummary("Download an evidence file (only the owning tenant sees it).");
        appeals.MapDelete(ApiRoutes.AppealEvidence, DeleteAsync).WithName(FunctionNames.DeleteAppealEvidence)
            .WithSummary("Delete an evidence file of an open appeal. Honours If-Match.");
        return appeals;
    }

    public static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ValidationProblem, ProblemHttpResult>> PutAsync(
        string id, string name, [AsParameters] AppealPreconditions preconditions, HttpRequest request, CurrentTenant tenant,
        AppealStore store, EvidenceStore files, AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!EvidenceKinds.IsKnown(name))
        {
            return Problems.Invalid("name", $"Evidence name '{Display.Shorten(name)}' is not one of {string.Join(", ", EvidenceKinds.All)}.");
        }

        var appeal = await store.FindAsync(tenant.Id, id, cancellationToken);
        if (appeal is null)
        {
            return NotFound(id);
        }

        if (!AppealStateMachine.IsOpen(appeal.State))
        {
            return ClosedProblem(appeal);
        }

        var body = await HttpBody.ReadBytesAsync(request, EvidenceSniffer.MaxBytes, cancellationToken);
        if (!body.IsValid)
        {
            return body.Problem;
        }

        var content = body.Value;
        if (content.Length == 0)
        {
            return Problems.Invalid("body", "The evidence file is empty.");
        }

        if (EvidenceSniffer.ContentTypeOf(content) is not { } contentType)
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The file is not a PDF, JPEG or PNG (judged by its content, not its name or Content-Type).");
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var blob = EvidenceStore.BlobName(tenant.Id, appeal.Id, name, sha256);
        await files.UploadAsync(blob, content, contentType, cancellationToken);
        var previous = appeal.Evidence.GetValueOrDefault(name);
        var file = new EvidenceFile(contentType, content.Length, sha256, clock.GetUtcNow());
        var result = await ChangeEvidenceAsync(appeal, preconditions, request, store, routes, clock, $"evidence {name} uploaded ({contentType}, {content.Length} bytes, sha256 {sha256})",
            all => all[name] = file, cancellationToken);
        var stored = result.Result is Ok<AppealView>;
        if (!stored && previous?.Sha256 != sha256)
        {
            await files.DeleteAsync(blob, cancellationToken); // the appeal does not point at it: nothing is left behind
        }
        else if (stored && previous is not null && previous.Sha256 != sha256 && previous.CopiedFrom is null)
        {
            await files.DeleteAsync(EvidenceStore.BlobName(tenant.Id, appeal.Id, name, previous.Sha256), cancellationToken);
        }

        return result;
    }

    public static async Task<Results<FileStreamHttpResult, NotFoundProblem>> GetAsync(
        string id, string name, CurrentTenant tenant, AppealStore store, EvidenceStore files, CancellationToken cancellationToken)
    {
        var appeal = EvidenceKinds.IsKnown(name) ? await store.FindAsync(tenant.Id, id, cancellationToken) : null;
        if (appeal?.Evidence.GetValueOrDefault(name) is not { } file
            || await files.OpenAsync(BlobOf(appeal, name, file), cancellationToken) is not { } stream)
        {
            return Problems.NotFound($"Appeal '{Display.Shorten(id)}' has no evidence '{Display.Shorten(name)}'.");
        }

        return TypedResults.Stream(stream, file.ContentType, $"{name}{Extension(file.ContentType)}");
    }

    public static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string id, string name, [AsParameters] AppealPreconditions preconditions, HttpRequest request, CurrentTenant tenant,
        AppealStore store, EvidenceStore files, AppealRoutes routes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var appeal = EvidenceKinds.IsKnown(name) ? await store.FindAsync(tenant.Id, id, cancellationToken) : null;
        if (appeal?.Evidence.GetValueOrDefault(name) is not { } file)
        {
            return Problems.NotFound($"Appeal '{Display.Shorten(id)}' has no evidence '{Display.Shorten(name)}'.");
        }

        if (!AppealStateMachine.IsOpen(appeal.State))
        {
            return ClosedProblem(appeal);
        }

        var result = await ChangeEvidenceAsync(appeal, preconditions, request, store, routes, clock, $"evidence {name} deleted (sha256 {file.Sha256})",
            all => all.Remove(name), cancellationToken);
        if (result.Result is Ok<AppealView> && file.CopiedFrom is null)
        {
            await files.DeleteAsync(BlobOf(appeal, name, file), cancellationToken);
        }

        return result;
    }

    /// <summary>The blob of a file: its own, or for evidence copied into a follow-up appeal, the earlier appeal's.</summary>
    public static string BlobOf(AppealEntity appeal, string kind, EvidenceFile file) =>
        EvidenceStore.BlobName(appeal.PartitionKey, file.CopiedFrom ?? appeal.Id, kind, file.Sha256);

    private static async Task<Results<Ok<AppealView>, NotFoundProblem, ConflictProblem, ValidationProblem, ProblemHttpResult>> ChangeEvidenceAsync(
        AppealEntity appeal, AppealPreconditions preconditions, HttpRequest request, AppealStore store, AppealRoutes routes, TimeProvider clock, string why,
        Action<Dictionary<string, EvidenceFile>> edit, CancellationToken cancellationToken)
    {
        var (outcome, changed) = await store.ChangeAsync(appeal.PartitionKey, appeal.Id, preconditions.Match ?? appeal.EntityTag, null,
            "tenant:" + appeal.PartitionKey, why, a =>
            {
                var all = new Dictionary<string, EvidenceFile>(a.Evidence, StringComparer.Ordinal);
                edit(all);
                a.EvidenceJson = EvidenceFile.Serialize(all);
            }, cancellationToken);
        switch (outcome)
        {
            case AppealWriteOutcome.NotFound:
                return NotFound(appeal.Id);
            case AppealWriteOutcome.PreconditionFailed:
                return Problems.PreconditionFailed($"Appeal {appeal.Id} has changed (current ETag {changed?.EntityTag}).");
        }

        request.HttpContext.Response.Headers.ETag = changed!.EntityTag;
        return TypedResults.Ok(await AppealsApi.ViewAsync(changed, store, routes, clock, cancellationToken));
    }

    private static ConflictProblem ClosedProblem(AppealEntity appeal) =>
        Problems.Conflict($"Appeal {appeal.Id} is {appeal.Status}; the evidence of a closed appeal is kept as it was filed.",
            new Dictionary<string, object?> { ["appealStatus"] = appeal.Status });

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"Appeal '{Display.Shorten(id)}' does not exist.");

    private static string Extension(string contentType) => contentType switch
    {
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        _ => ".jpg",
    };
}
