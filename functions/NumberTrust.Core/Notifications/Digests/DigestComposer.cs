using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NumberTrust.Hosting;
using NumberTrust.Tenants;

namespace NumberTrust.Notifications.Digests;

/// <summary>
/// The <c>digests</c> consumer: composes one tenant's digest for one local date, adds its mark (insert-only, so the first
/// composition wins), then publishes the marked event and records that. A crash after the Add leaves an unpublished mark, which
/// a redelivery or the next timer tick publishes; the event id is stable, so a publish repeated after a crash is delivered once.
/// </summary>
public sealed partial class DigestComposer(
    TenantStore tenants, DigestStore digests, DigestCollector collector, EventPublisher events, TimeProvider time, ILogger<DigestComposer> logger)
{
    public async Task ComposeAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var request = QueueMessageJson.Deserialize<DigestMessage>(message.Body, DigestMessage.CurrentVersion);
        if (!DateOnly.TryParseExact(request.LocalDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var localDate))
        {
            throw new InvalidMessageException($"DigestMessage has no valid localDate: '{request.LocalDate}'.");
        }

        var mark = await digests.FindAsync(request.TenantId, localDate, cancellationToken);
        if (mark is null)
        {
            var tenant = await tenants.FindAsync(request.TenantId, cancellationToken);
            if (tenant is null)
            {
                return;
            }

            mark = await digests.AddOrGetAsync(await ComposeAsync(tenant, localDate, cancellationToken), localDate, cancellationToken);
        }

        if (mark.Done)
        {
            Log.Done(logger, request.TenantId, request.LocalDate, mark.Kind);
            return;
        }

        await events.PublishAsync(JsonSerializer.Deserialize<NotificationEvent>(mark.Event!, ApiJson.Options)!, cancellationToken);
        await digests.MarkPublishedAsync(mark, time.GetUtcNow(), cancellationToken);
        Log.Published(logger, request.TenantId, request.LocalDate, mark.Kind);
    }

    private async Task<DigestEntity> ComposeAsync(TenantEntity tenant, DateOnly localDate, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = DigestSettingsJson.Of(tenant);
        var data = await collector.CollectAsync(tenant.RowKey, settings, localDate, await WindowStartAsync(tenant.RowKey, localDate, now, cancellationToken), now, cancellationToken);
        var type = !data.IsEmpty ? EventTypes.DigestDaily
            : settings.WeeklyAllClear && localDate.DayOfWeek == settings.AllClearDay ? EventTypes.DigestAllClear
            : null;
        var entity = new DigestEntity { PartitionKey = tenant.RowKey, RowKey = DigestEntity.RowFor(localDate), ComposedAt = now };
        if (type is not null)
        {
            entity.Kind = type == EventTypes.DigestDaily ? DigestEntity.DailyKind : DigestEntity.AllClearKind;
            var notification = new NotificationEvent(
                NotificationEvent.CurrentVersion, EventIdFor(tenant.RowKey, localDate), type, now, TenantId: tenant.RowKey,
                Data: JsonSerializer.SerializeToNode(data, ApiJson.Options)!.AsObject());
            entity.Event = JsonSerializer.Serialize(notification, ApiJson.Options);
        }

        return entity;
    }

    /// <summary>Most days a digest covers after downtime: the host or the timer down for days reports everything since the last one.</summary>
    public const int MaxCatchUpDays = 7;

    /// <summary>
    /// A day back, or back to the previous digest when that was longer ago (the timer was down, or days passed with nothing to
    /// say and no mark was missed), at most <see cref="MaxCatchUpDays"/>.
    /// </summary>
    private async Task<DateTimeOffset> WindowStartAsync(string tenantId, DateOnly localDate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var day = now.AddHours(-24);
        var previous = await digests.PreviousComposedAtAsync(tenantId, localDate, MaxCatchUpDays, cancellationToken);
        var floor = now.AddDays(-MaxCatchUpDays);
        return previous is { } p && p < day ? (p > floor ? p : floor) : day;
    }

    /// <summary>Stable per tenant and local date: the dispatcher's delivery records dedupe on it.</summary>
    public static string EventIdFor(string tenantId, DateOnly localDate) =>
        $"digest-{tenantId}-{localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Digest {TenantId} {LocalDate} ({Kind}) published")]
        public static partial void Published(ILogger logger, string tenantId, string localDate, string kind);

        [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Digest {TenantId} {LocalDate} ({Kind}) already done")]
        public static partial void Done(ILogger logger, string tenantId, string localDate, string kind);
    }
}
