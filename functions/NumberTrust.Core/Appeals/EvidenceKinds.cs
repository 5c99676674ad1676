namespace NumberTrust.Appeals;

/// <summary>The kinds of evidence an appeal can carry; they are also the only names <c>PUT /api/appeals/{id}/evidence/{name}</c> accepts.</summary>
public static class EvidenceKinds
{
    public const string BusinessLicence = "business-licence";
    public const string AuthorisationLetter = "authorisation-letter";
    public const string IdCopy = "id-copy";
    public const string OperatorBill = "operator-bill";
    public const string CallRecords = "call-records";
    public const string Screenshot = "screenshot";

    public static readonly IReadOnlyList<string> All = [BusinessLicence, AuthorisationLetter, IdCopy, OperatorBill, CallRecords, Screenshot];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
