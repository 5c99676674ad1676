using System.Text;

namespace NumberTrust.Numbers;

/// <summary>One CSV record with the physical line it started on (1-based, header = line 1).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// RFC 4180 reader: quoted fields, doubled quotes, embedded commas and line breaks, CRLF or LF, optional UTF-8 BOM.
/// Malformed quoting is reported with its line instead of being guessed at.
/// </summary>
public static class CsvReader
{
    public static IEnumerable<(CsvRecord? Record, string? Error, int Line)> Read(string text)
    {
        var position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (position < text.Length)
        {
            var recordLine = line;
            fields.Clear();
            string? error = null;
            var endOfRecord = false;
            while (!endOfRecord)
            {
                field.Clear();
                if (position < text.Length && text[position] == '"')
                {
                    position++;
                    var closed = false;
                    while (position < text.Length)
                    {
                        var c = text[position++];
                        if (c == '"')
                        {
                            if (position < text.Length && text[position] == '"')
                            {
                                field.Append('"');
                                position++;
                                continue;
                            }

                            closed = true;
                            break;
                        }

                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                    }

                    if (!closed)
                    {
                        error ??= "A quoted field is not closed.";
                    }
                    else if (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                    {
                        error ??= "Unexpected text after a closing quote.";
                        while (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                        {
                            position++;
                        }
                    }
                }
                else
                {
                    while (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                    {
                        if (text[position] == '"')
                        {
                            error ??= "A quote inside an unquoted field; quote the whole field and double the inner quotes.";
                        }

                        field.Append(text[position++]);
                    }
                }

                fields.Add(field.ToString());
                if (position >= text.Length)
                {
                    endOfRecord = true;
                }
                else if (text[position] == ',')
                {
                    position++;
                }
                else
                {
                    if (text[position] == '\r')
                    {
                        position++;
                    }

                    if (position < text.Length && text[position] == '\n')
                    {
                        position++;
                    }

                    line++;
                    endOfRecord = true;
                }
            }

            if (fields.Count == 1 && fields[0].Length == 0 && error is null)
            {
                continue; // blank line
            }

            yield return error is null ? (new CsvRecord(recordLine, fields.ToArray()), null, recordLine) : (null, error, recordLine);
        }
    }
}
