using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Upkeep;

/// <summary>Drives the upkeep reminder timer across days for the calendar and summary tests: the clock, the tick, the events it queued.</summary>
internal static class UpkeepTimer
{
    /// <summary>12:00 in Shanghai (the default zone) on a day.</summary>
    public static DateTimeOffset Noon(int year, int month, int day) => new(year, month, day, 4, 0, 0, TimeSpan.Zero);

    public static void Set(ShiftedClock clock, DateTimeOffset utc) => clock.Offset = utc - DateTimeOffset.UtcNow;

    /// <summary>Sets the host's clock to <paramref name="utc"/> and runs the upkeep timer as both hosts do.</summary>
    public static Task TickAtAsync(ApiFactory api, ShiftedClock clock, DateTimeOffset utc)
    {
        Set(clock, utc);
        return FunctionTable.RunTimerAsync(FunctionNames.UpkeepReminderTimer, api.Services, new TimerTick(utc, false, null, utc.AddHours(1)), CancellationToken.None);
    }

    public static async Task<List<JsonElement>> AlertsAsync(ApiFactory api, string type)
    {
        var messages = (await api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).Where(a => a.GetProperty("type").GetString() == type).ToList();
    }

    public static async Task RegisterAsync(HttpClient client, string number, string displayName = "Hotline")
    {
        using var put = await client.PutAsJsonAsync("/api/numbers/" + number, new { displayName, platforms = new[] { "baidu" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }
}
