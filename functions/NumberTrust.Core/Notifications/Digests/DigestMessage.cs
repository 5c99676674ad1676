using NumberTrust.Hosting;

namespace NumberTrust.Notifications.Digests;

/// <summary>A <c>digests</c> message: compose tenant <see cref="TenantId"/>'s digest for its local date <see cref="LocalDate"/> (yyyy-MM-dd).</summary>
public sealed record DigestMessage(int Version, string TenantId, string LocalDate) : IVersionedMessage
{
    public const int CurrentVersion = 1;
}
