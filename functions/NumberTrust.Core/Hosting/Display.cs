namespace NumberTrust.Hosting;

/// <summary>Echoing client input back in error messages: bounded, so a hostile value cannot make a response huge.</summary>
public static class Display
{
    public static string Shorten(string? value, int max = 40) =>
        value is null ? "null" : value.Length <= max ? value : value[..max] + "…";
}
