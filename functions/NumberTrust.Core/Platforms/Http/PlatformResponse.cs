using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace NumberTrust.Platforms;

/// <summary>An HTTP answer read into memory and decoded to text with the charset it declares (header, BOM or meta tag).</summary>
public sealed partial class PlatformResponse
{
    static PlatformResponse()
    {
        // GBK / GB2312 / GB18030 pages (older Sogou and 360 markup) need the code-pages provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private PlatformResponse(HttpStatusCode status, string? requestedUrl, string? mediaType, Uri? location, RetryConditionHeaderValue? retryAfter, byte[] bytes, string text, bool decodable)
    {
        Status = status;
        RequestedUrl = requestedUrl;
        MediaType = mediaType;
        Location = location;
        RetryAfterHeader = retryAfter;
        Bytes = bytes;
        Text = text;
        IsDecodable = decodable;
    }

    public HttpStatusCode Status { get; }

    public int StatusCode => (int)Status;

    public string? RequestedUrl { get; }

    public string? MediaType { get; }

    public Uri? Location { get; }

    public RetryConditionHeaderValue? RetryAfterHeader { get; }

    public byte[] Bytes { get; }

    public string Text { get; }

    /// <summary>False when the body is binary or not valid in its declared encoding.</summary>
    public bool IsDecodable { get; }

    public bool IsEmpty => Bytes.Length == 0 || string.IsNullOrWhiteSpace(Text);

    public bool IsHtml =>
        MediaType is "text/html" or "application/xhtml+xml" ||
        (MediaType is null or "text/plain" && Text.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal) &&
         Text.Contains("<html", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads and decodes a response body (at most <paramref name="maxBytes"/>; larger bodies throw <see cref="ResponseTooLargeException"/>).</summary>
    public static async Task<PlatformResponse> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new ResponseTooLargeException(content.Headers.ContentLength.Value);
        }

        byte[] bytes;
        try
        {
            await content.LoadIntoBufferAsync(maxBytes, cancellationToken);
            bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && e is not ResponseTooLargeException && !cancellationToken.IsCancellationRequested)
        {
            throw new ResponseBodyException(e);
        }

        var charset = content.Headers.ContentType?.CharSet;
        var (text, decodable) = Decode(bytes, charset);
        return new PlatformResponse(
            response.StatusCode, response.RequestMessage?.RequestUri?.ToString(), content.Headers.ContentType?.MediaType?.ToLowerInvariant(),
            response.Headers.Location, response.Headers.RetryAfter, bytes, text, decodable);
    }

    /// <summary>Decodes with the header charset, else a BOM, else a <c>&lt;meta charset&gt;</c>, else UTF-8; reports undecodable bodies.</summary>
    public static (string Text, bool Decodable) Decode(byte[] bytes, string? headerCharset)
    {
        if (bytes.Length == 0)
        {
            return ("", true);
        }

        var encoding = EncodingFor(headerCharset) ?? BomEncoding(bytes) ?? EncodingFor(SniffMetaCharset(bytes)) ?? Encoding.UTF8;
        string text;
        try
        {
            text = encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return ("", false);
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var suspicious = 0;
        foreach (var ch in text)
        {
            if (ch == '\uFFFD' || (char.IsControl(ch) && ch is not ('\r' or '\n' or '\t' or '\f')))
            {
                suspicious++;
            }
        }

        // A handful of odd characters happens on real pages; binary or mis-declared bodies have many.
        var decodable = suspicious <= Math.Max(2, text.Length / 200);
        return (text, decodable);
    }

    private static Encoding? EncodingFor(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var name = charset.Trim().Trim('"', '\'').ToLowerInvariant();
        if (name is "gb2312" or "gbk" or "x-gbk" or "cp936")
        {
            name = "gb18030"; // a superset: decodes GBK and GB2312 pages, including characters outside GB2312
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Encoding? BomEncoding(byte[] bytes) =>
        bytes is [0xEF, 0xBB, 0xBF, ..] ? Encoding.UTF8 :
        bytes is [0xFF, 0xFE, ..] ? Encoding.Unicode :
        bytes is [0xFE, 0xFF, ..] ? Encoding.BigEndianUnicode : null;

    private static string? SniffMetaCharset(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 2048));
        var match = MetaCharset().Match(head);
        return match.Success ? match.Groups["charset"].Value : null;
    }

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?(?<charset>[A-Za-z0-9_\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}

/// <summary>The headers arrived but the body did not: the connection failed or closed while it was being read.</summary>
public sealed class ResponseBodyException(Exception inner) : HttpRequestException("The connection failed while the response body was being read: " + inner.Message, inner);

/// <summary>The body is larger than <see cref="PlatformOptions.MaxResponseBytes"/>.</summary>
public sealed class ResponseTooLargeException(long length) : IOException($"The response body ({length} bytes) is larger than allowed.");
