namespace NumberTrust.Hosting;

/// <summary>Names of the HTTP headers the API reads.</summary>
public static class ApiHeaders
{
    public const string ApiKey = "x-api-key";
}
