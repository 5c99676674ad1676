using System.Text;

namespace NumberTrust.Notifications;

/// <summary>Opaque continuation tokens: URL-safe base64 of a version tag and the last row key of the page.</summary>
public static class PageTokens
{
    public static string Encode(string tag, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(tag + ":" + lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The key inside a token with this tag, or "" when the token is not one of ours.</summary>
    public static bool TryDecode(string token, string tag, int maxLength, out string lastKey)
    {
        lastKey = "";
        var base64 = token.Replace('-', '+').Replace('_', '/');
        var padded = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var buffer = new byte[padded.Length];
        if (token.Length > maxLength || !Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        lastKey = text.StartsWith(tag + ":", StringComparison.Ordinal) ? text[(tag.Length + 1)..] : "";
        return lastKey.Length > 0;
    }
}
