using System.Globalization;
using System.Text.Json.Nodes;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Platforms;
using NumberTrust.Tenants;
using NumberTrust.Upkeep.Reminders;

namespace NumberTrust.Upkeep.Expectations;

/// <summary>
/// After a readable lookup, compares the identity the platform showed with the expectation (or the planned label of the day) of
/// each tenant the number and platform's index row names, and raises <c>upkeep.display_mismatch</c> once per episode: the episode
/// stays open, silent, while the platform keeps differing from the same expectation, and closes when it matches again. Unknown
/// lookups are neither match nor mismatch.
/// </summary>
public sealed class DisplayMismatchObserver(ExpectationStore store, TenantStore tenants, EventPublisher events) : ILookupObserver
{
    private const int MaxRounds = 5;

    public async Task OnLookupCompletedAsync(LookupCompleted lookup, CancellationToken cancellationToken)
    {
        if (lookup.Observation is not { } observation || observation.State == ObservedState.Unknown)
        {
            return;
        }

        // A platform whose adapter cannot read identities says nothing by showing none; only those that can are compared.
        if (observation.Identity is null && !IdentityObserver.ShowsIdentity.Contains(lookup.Platform))
        {
            return;
        }

        foreach (var tenant in await store.TenantsExpectingAsync(lookup.Number, lookup.Platform, cancellationToken))
        {
            await CompareAsync(tenant, lookup, observation.Identity, cancellationToken);
        }
    }

    private async Task CompareAsync(string tenantId, LookupCompleted lookup, DisplayedIdentity? shown, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= MaxRounds; round++)
        {
            var expectation = await store.FindAsync(tenantId, lookup.Number, lookup.Platform, cancellationToken);
            if (expectation is null || expectation.CheckedAt > lookup.CheckedAt)
            {
                return;
            }

            var expected = await ExpectedAsync(tenantId, expectation, lookup.CheckedAt, cancellationToken);
            var reasons = DisplayComparison.Differences(expected, shown);
            if (reasons.Count == 0)
            {
                if (expectation.MismatchSince is null)
                {
                    return;
                }

                expectation.MismatchSince = null;
                expectation.MismatchEventId = null;
                expectation.MismatchExpected = null;
                expectation.MismatchReasons = null;
                expectation.MismatchShownName = null;
            }
            else
            {
                if (expectation.MismatchSince is not null && expectation.MismatchExpected == expected.Key)
                {
                    return;
                }

                // The id comes from the lookup that opened the episode: a retry after a failed write publishes the same id again.
                var eventId = $"display-mismatch:{tenantId}:{lookup.Number}:{lookup.Platform}:{lookup.JobId}";
                await events.PublishAsync(Event(tenantId, eventId, lookup, expected, shown, reasons), cancellationToken);
                expectation.MismatchSince = lookup.CheckedAt;
                expectation.MismatchEventId = eventId;
                expectation.MismatchExpected = expected.Key;
                expectation.MismatchReasons = string.Join(',', reasons);
                expectation.MismatchShownName = shown?.DisplayName;
            }

            expectation.CheckedAt = lookup.CheckedAt;
            if (await store.TryUpdateAsync(expectation, cancellationToken))
            {
                return;
            }

            // The tenant edited the expectation, or another lookup of this number wrote first: compare again with the new row.
        }
    }

    /// <summary>The expectation's name, or the label planned for this platform on the tenant-local day of the lookup.</summary>
    private async Task<ExpectedDisplay> ExpectedAsync(string tenantId, ExpectationEntity expectation, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var plain = new ExpectedDisplay(expectation.DisplayName, expectation.CertificationProvider, null);
        var labels = (await store.LabelsAsync(tenantId, expectation.Number, cancellationToken)).Where(l => l.Platform == expectation.Platform).ToList();
        if (labels.Count == 0)
        {
            return plain;
        }

        var day = await TenantDay.TodayAsync(tenants, tenantId, at, cancellationToken);
        var active = labels
            .Where(l => UpkeepInput.Parse(l.Start) <= day && day <= UpkeepInput.Parse(l.End))
            .MaxBy(l => l.Start, StringComparer.Ordinal);
        return active is null ? plain : plain with { DisplayName = active.Label, LabelId = active.Id };
    }

    private static NotificationEvent Event(
        string tenantId, string eventId, LookupCompleted lookup, ExpectedDisplay expected, DisplayedIdentity? shown, IReadOnlyList<string> reasons) => new(
        NotificationEvent.CurrentVersion,
        eventId,
        EventTypes.DisplayMismatch,
        lookup.CheckedAt,
        lookup.Number,
        TenantId: tenantId,
        Platform: lookup.Platform,
        Data: new JsonObject
        {
            ["expected"] = new JsonObject
            {
                ["displayName"] = expected.DisplayName,
                ["certificationProvider"] = expected.CertificationProvider,
                ["displayLabelId"] = expected.LabelId,
            },
            ["shown"] = IdentityObserver.Json(shown),
            ["reasons"] = new JsonArray(reasons.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            ["checkedAt"] = lookup.CheckedAt.ToString("O", CultureInfo.InvariantCulture),
        });
}
