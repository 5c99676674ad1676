using System.Collections;

namespace NumberTrust.Functions.Tests.StandIn.Samples;

// Declarations shaped like the real worker API, rendered by ApiRendererTests. They are public because the
// renderer, like the API list, shows public members only.

public abstract class SampleBinding : Attribute, IComparable, IDisposable
{
    public SampleBinding(string name, params int[] values)
    {
    }

    public enum Level
    {
        Low = 1,
        High = 4,
        Default = Low,
    }

    public static bool Flag { get; set; }

    public abstract IReadOnlyDictionary<string, object?> Data { get; }

    public int? Count { get; protected set; }

    internal string Hidden { get; set; } = "";

    public abstract void Dispose();

    public int CompareTo(object? obj) => 0;

    public T Get<T>(out object value, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public void Configure<TBuilder, TOptions>(Action<TBuilder, TOptions> configure)
    {
    }

    protected void NotPublic()
    {
    }

    public sealed class Inner
    {
    }
}

public static class SampleExtensions
{
    public static string Describe(this SampleBinding sample, Action<string>? log = null) => "";
}

public delegate Task SampleDelegate(string input);

public interface ISample<T> : IEnumerable<T>
{
    T Current { get; }
}

public struct SampleValue
{
    public SampleValue(int x)
    {
    }
}

public class SampleOptions
{
    public int Limit;

    public event EventHandler? Changed;

    public string Connection { get; set; } = "";

    protected void OnChanged() => Changed?.Invoke(this, EventArgs.Empty);
}
