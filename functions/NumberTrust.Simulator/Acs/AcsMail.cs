namespace NumberTrust.Simulator.Acs;

/// <summary>A message the simulated ACS accepted, once per operation id.</summary>
public sealed record AcsMail(
    string OperationId,
    string From,
    IReadOnlyList<AcsMailAddress> To,
    IReadOnlyList<AcsMailAddress> Cc,
    IReadOnlyList<AcsMailAddress> Bcc,
    IReadOnlyList<AcsMailAddress> ReplyTo,
    string Subject,
    string? PlainText,
    string? Html,
    IReadOnlyList<AcsMailAttachment> Attachments,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ReceivedAt);

public sealed record AcsMailAddress(string Address, string? DisplayName);

/// <summary>An attachment as received; <see cref="Size"/> is the decoded byte count.</summary>
public sealed record AcsMailAttachment(string Name, string ContentType, int Size);

/// <summary>One request the simulated ACS answered (control requests under <c>/_acs/</c> excluded).</summary>
public sealed record AcsRequest(string Method, string Path, string? OperationId, string AuthScheme, int Status, DateTimeOffset ReceivedAt);
