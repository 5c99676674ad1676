using Azure.Data.Tables;

namespace NumberTrust.Storage;

/// <summary>Filters over row-key ranges, the only kind of query the app sends besides whole partitions.</summary>
public static class TableKeys
{
    /// <summary>The rows of one partition whose row key starts with <paramref name="prefix"/>.</summary>
    public static string WithPrefix(string partition, string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {After(prefix)}");

    /// <summary>The smallest string greater than every string that starts with <paramref name="prefix"/>.</summary>
    public static string After(string prefix) =>
        prefix.Length == 0 ? "\uffff" : prefix[..^1] + (char)(prefix[^1] + 1);
}
