using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace NumberTrust.Hosting;

/// <summary>A problem response (429, 503) that tells the client when to try again.</summary>
public sealed class RetryAfterResult(ProblemHttpResult problem, TimeSpan retryAfter) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => problem.StatusCode;

    public TimeSpan RetryAfter { get; } = retryAfter;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return problem.ExecuteAsync(httpContext);
    }
}
