namespace NumberTrust.Hosting;

/// <summary>
/// The queue- and timer-triggered functions the local host runs. Each entry has a twin function class in the Functions app with the
/// same queue name or schedule setting; a test holds the two lists equal.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<QueueFunction> QueueFunctions { get; } = [];

    public static IReadOnlyList<TimerFunction> TimerFunctions { get; } = [];
}
