using System.ComponentModel;

namespace NumberTrust.Upkeep.CallStats;

/// <summary>One day's call outcomes of a number as the tenant's call platform counted them.</summary>
public sealed record CallDay(DateOnly Date, long Attempted, long Answered);

/// <summary>One element of the <c>POST .../call-stats</c> JSON array (all fields strings or numbers as sent; checked by <see cref="CallStatsInput"/>).</summary>
public sealed record CallDayRequest(
    [property: Description("The calendar day the calls were made: yyyy-MM-dd, or an ISO 8601 time with its offset (the day as written in that offset).")] string? Date,
    [property: Description("Calls attempted that day (0 to 100,000,000).")] long? Attempted,
    [property: Description("Calls answered that day (at most attempted).")] long? Answered);
