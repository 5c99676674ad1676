using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Platforms;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using NumberTrust.Upkeep;

namespace NumberTrust.Tests.Upkeep;

/// <summary>The displayed identity per number and platform: its history, IdentityChanged / IdentityLost, and never a label.</summary>
public sealed class IdentityObserverTests : IAsyncLifetime
{
    private const string Number = "+864008108888";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DisplayedIdentity Verified = new("示例科技客服", "企业认证", Certified: true);
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await ApiFactory.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private IdentityObserver Observer => _api.Services.GetRequiredService<IdentityObserver>();

    private static LookupCompleted Lookup(string job, DateTimeOffset at, ObservedState state, DisplayedIdentity? identity, string platform = PlatformIds.BaiduHaoma) =>
        new(job, Number, platform, at, state, null, null, new Observation(state, Identity: identity));

    private async Task<List<JsonElement>> AlertsAsync()
    {
        var messages = (await _api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.Alerts).PeekMessagesAsync(32)).Value;
        return messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).ToList();
    }

    [Fact]
    public async Task First_sighting_a_rename_and_a_disappearance_raise_one_event_each_with_history()
    {
        await Observer.OnLookupCompletedAsync(Lookup("j1", T0, ObservedState.Clean, Verified), CancellationToken.None);
        await Observer.OnLookupCompletedAsync(Lookup("j2", T0.AddDays(1), ObservedState.Clean, Verified), CancellationToken.None);
        await Observer.OnLookupCompletedAsync(Lookup("j3", T0.AddDays(2), ObservedState.Clean, Verified with { DisplayName = "示例科技" }), CancellationToken.None);
        await Observer.OnLookupCompletedAsync(Lookup("j4", T0.AddDays(3), ObservedState.Clean, null), CancellationToken.None);

        var alerts = await AlertsAsync();
        Assert.Equal(["upkeep.identity_changed", "upkeep.identity_changed", "upkeep.identity_lost"], alerts.Select(a => a.GetProperty("type").GetString()));
        Assert.Equal(3, alerts.Select(a => a.GetProperty("eventId").GetString()).Distinct().Count());
        Assert.Equal("示例科技客服", alerts[1].GetProperty("data").GetProperty("previous").GetProperty("displayName").GetString());
        Assert.Equal("示例科技", alerts[1].GetProperty("data").GetProperty("current").GetProperty("displayName").GetString());
        Assert.Equal(JsonValueKind.Null, alerts[2].GetProperty("data").GetProperty("current").ValueKind);

        var history = await Observer.HistoryAsync(Number, PlatformIds.BaiduHaoma, CancellationToken.None);
        Assert.Equal([Verified, Verified with { DisplayName = "示例科技" }, null], history.Select(h => h.Identity));
        Assert.Equal([T0, T0.AddDays(2), T0.AddDays(3)], history.Select(h => h.ObservedAt));
        Assert.Null((await Observer.CurrentAsync(Number, CancellationToken.None))[PlatformIds.BaiduHaoma]);
    }

    [Fact]
    public async Task Redelivery_unknown_and_out_of_order_lookups_change_nothing()
    {
        var first = Lookup("j1", T0.AddDays(1), ObservedState.Clean, Verified);
        await Observer.OnLookupCompletedAsync(first, CancellationToken.None);
        await Observer.OnLookupCompletedAsync(first, CancellationToken.None);
        await Observer.OnLookupCompletedAsync(first with { Observation = null }, CancellationToken.None);
        await Observer.OnLookupCompletedAsync(Lookup("j2", T0.AddDays(2), ObservedState.Unknown, null), CancellationToken.None);
        await Observer.OnLookupCompletedAsync(Lookup("j0", T0, ObservedState.Clean, null), CancellationToken.None);

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal("upkeep.identity_changed", alert.GetProperty("type").GetString());
        Assert.Equal(Verified, (await Observer.CurrentAsync(Number, CancellationToken.None))[PlatformIds.BaiduHaoma]);
        Assert.Single(await Observer.HistoryAsync(Number, PlatformIds.BaiduHaoma, CancellationToken.None));
    }

    [Fact]
    public async Task A_number_no_platform_ever_named_raises_nothing_and_platforms_are_kept_apart()
    {
        await Observer.OnLookupCompletedAsync(Lookup("j1", T0, ObservedState.Labeled, null, "qihoo360"), CancellationToken.None);
        await Observer.OnLookupCompletedAsync(Lookup("j2", T0, ObservedState.Clean, Verified), CancellationToken.None);

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(PlatformIds.BaiduHaoma, alert.GetProperty("platform").GetString());
        Assert.Empty(await Observer.HistoryAsync(Number, "qihoo360", CancellationToken.None));
    }
}
