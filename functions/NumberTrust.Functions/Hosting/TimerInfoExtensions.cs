using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Hosting;

/// <summary>The Functions timer's binding reduced to the <see cref="TimerTick"/> both hosts hand to timer handlers.</summary>
internal static class TimerInfoExtensions
{
    public static TimerTick ToTick(this TimerInfo timer, DateTimeOffset now) => new(
        now,
        timer.IsPastDue,
        timer.ScheduleStatus is { } last ? new DateTimeOffset(DateTime.SpecifyKind(last.Last, DateTimeKind.Utc)) : null,
        timer.ScheduleStatus is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next.Next, DateTimeKind.Utc)) : now);
}
