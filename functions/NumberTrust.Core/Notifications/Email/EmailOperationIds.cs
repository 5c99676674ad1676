using System.Security.Cryptography;
using System.Text;

namespace NumberTrust.Notifications.Email;

/// <summary>
/// Stable ACS <c>Operation-Id</c>s: a redelivered alert maps to the send operation of its first delivery, so it is never
/// mailed twice. The id is a name-based UUID version 5 (RFC 9562 section 5.5, SHA-1) in the namespace <see cref="Namespace"/>,
/// the name being the UTF-8 bytes of the three parts, each preceded by its byte length and a colon (so no two triples collide).
/// </summary>
public static class EmailOperationIds
{
    /// <summary>The namespace of NumberTrust's email operation ids (a random UUID chosen once; never change it).</summary>
    public static readonly Guid Namespace = new("3b09f155-6384-45c0-86ed-8bbafe1bde99");

    public static Guid For(string subscriptionId, string channel, string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var name = new StringBuilder();
        foreach (var part in (ReadOnlySpan<string>)[subscriptionId, channel, eventId])
        {
            name.Append(Encoding.UTF8.GetByteCount(part)).Append(':').Append(part);
        }

        return NameBasedUuidV5(Namespace, Encoding.UTF8.GetBytes(name.ToString()));
    }

    /// <summary>RFC 9562 UUIDv5: SHA-1 over namespace bytes (network order) and name, version and variant bits set.</summary>
    internal static Guid NameBasedUuidV5(Guid @namespace, ReadOnlySpan<byte> name)
    {
        var input = new byte[16 + name.Length];
        @namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        return new Guid(uuid, bigEndian: true);
    }
}
