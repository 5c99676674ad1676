using NumberTrust.Numbers;

namespace NumberTrust.Tests.Numbers;

public sealed class CsvReaderTests
{
    [Fact]
    public void Reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var rows = CsvReader.Read("\uFEFFnumber,displayName\r\n138,\"Sales, \"\"East\"\"\nline 2\"\r\n\r\n139,plain\n").ToList();

        Assert.Equal(3, rows.Count);
        Assert.Equal(["number", "displayName"], rows[0].Record!.Fields);
        Assert.Equal(["138", "Sales, \"East\"\nline 2"], rows[1].Record!.Fields);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(["139", "plain"], rows[2].Record!.Fields);
        Assert.Equal(5, rows[2].Line);
    }

    [Theory]
    [InlineData("a,\"unclosed\n", "not closed")]
    [InlineData("a,\"x\"y\n", "after a closing quote")]
    [InlineData("a,b\"c\n", "quote inside")]
    public void Reports_malformed_quoting_with_its_line(string text, string reason)
    {
        var row = Assert.Single(CsvReader.Read(text));

        Assert.Null(row.Record);
        Assert.Contains(reason, row.Error, StringComparison.Ordinal);
        Assert.Equal(1, row.Line);
    }
}
