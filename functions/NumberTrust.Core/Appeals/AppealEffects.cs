using Azure.Data.Tables;
using NumberTrust.Notifications;

namespace NumberTrust.Appeals;

/// <summary>What a change also writes in its transaction: rows to upsert and an event for the outbox (published after the commit).</summary>
public sealed record AppealEffects(Func<AppealEntity, IEnumerable<ITableEntity>>? Rows = null, Func<AppealEntity, NotificationEvent?>? Event = null)
{
    public static readonly AppealEffects None = new();
}
