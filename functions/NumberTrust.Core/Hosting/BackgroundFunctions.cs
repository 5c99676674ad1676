namespace NumberTrust.Hosting;

/// <summary>A dequeued message as the queue trigger hands it over (after base64 decoding).</summary>
public sealed record QueueMessageContext(string Id, BinaryData Body, long DequeueCount, DateTimeOffset? InsertionTime);

/// <summary>What a timer function is told when it fires (the Functions host's TimerInfo, reduced to what handlers use).</summary>
public sealed record TimerTick(DateTimeOffset ScheduledAt, bool IsPastDue, DateTimeOffset? Last, DateTimeOffset Next);

/// <summary>
/// A queue-triggered function as the local host runs it. The Functions app declares the same function with
/// <c>[QueueTrigger(QueueName)]</c>; a test checks both hosts list the same queues.
/// </summary>
public sealed record QueueFunction(string Name, string QueueName, Func<IServiceProvider, QueueMessageContext, CancellationToken, Task> Handler);

/// <summary>
/// A timer-triggered function as the local host runs it: the schedule is read from the app setting <see cref="ScheduleSetting"/>
/// exactly as the Functions app's <c>[TimerTrigger("%Setting%")]</c> resolves it.
/// </summary>
public sealed record TimerFunction(string Name, string ScheduleSetting, Func<IServiceProvider, TimerTick, CancellationToken, Task> Handler);
