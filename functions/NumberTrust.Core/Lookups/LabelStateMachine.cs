namespace NumberTrust.Lookups;

/// <summary>The result of applying one observation to a platform's state.</summary>
public sealed record Transition(LabelStateEntity State, LabelHistoryEntity? History, IReadOnlyList<LabelEventEntity> Events);

/// <summary>
/// Pure rules for how an observation changes a number's label state on one platform, which change is worth a history row, and
/// which events it raises. Unknown never overwrites what was known: it only counts the streak.
/// </summary>
public static class LabelStateMachine
{
    public static Transition Apply(
        string number, string platform, LabelStateEntity? prior, Observation observation, string jobId, DateTimeOffset now,
        LookupOptions options, Func<string?, int> severity)
    {
        var state = prior is null ? new LabelStateEntity { PartitionKey = number, RowKey = LabelStateEntity.RowFor(platform) } : Copy(prior);
        state.LastJobId = jobId;
        state.LastCheckedAt = now;
        state.EvidenceUrl = observation.EvidenceUrl;
        state.EvidenceStatus = observation.EvidenceStatus;
        state.EvidenceExcerpt = Truncate(observation.EvidenceExcerpt, 500);
        var events = new List<LabelEventEntity>();

        if (observation.State == ObservedState.Unknown)
        {
            state.ConsecutiveUnknowns++;
            state.LastUnknownReason = (observation.UnknownReason ?? "Unknown") + (observation.Detail is { Length: > 0 } detail ? ": " + detail : "");
            if (state.LastUnknownReason.Length > 300)
            {
                state.LastUnknownReason = state.LastUnknownReason[..300];
            }
            if (state.ConsecutiveUnknowns >= options.UnreadableAfter && !state.UnreadableRaised)
            {
                state.UnreadableRaised = true;
                events.Add(Event(state, LabelEventType.Unreadable, jobId, now, state.Category, state.Category, null, state.ReportCount, state.ReportCount));
            }

            state.FollowUpPending = events.Count > 0;
            return new Transition(state, null, events);
        }

        var fromState = prior?.State ?? nameof(ObservedState.Unknown);
        var fromCategory = prior?.Category;
        var fromCount = prior?.ReportCount;
        state.ConsecutiveUnknowns = 0;
        state.UnreadableRaised = false;
        state.LastUnknownReason = null;
        state.LastReadAt = now;

        var changed = false;
        if (observation.State == ObservedState.Clean)
        {
            changed = fromState != nameof(ObservedState.Clean);
            if (fromState == nameof(ObservedState.Labeled))
            {
                events.Add(Event(state, LabelEventType.Cleared, jobId, now, fromCategory, null, null, fromCount, null));
            }

            state.State = nameof(ObservedState.Clean);
            state.Category = null;
            state.LabelText = null;
            state.ReportCount = null;
            state.SourceApp = null;
            state.Severity = null;
            state.FirstSeenAt = null;
        }
        else
        {
            var category = observation.Category ?? "Other";
            if (fromState != nameof(ObservedState.Labeled))
            {
                changed = true;
                state.FirstSeenAt = now;
                events.Add(Event(state, LabelEventType.NewLabel, jobId, now, null, category, null, null, observation.ReportCount, observation.LabelText));
            }
            else if (!string.Equals(fromCategory, category, StringComparison.Ordinal))
            {
                changed = true;
                state.FirstSeenAt = now;
                var direction = severity(category) >= severity(fromCategory) ? "escalation" : "de-escalation";
                events.Add(Event(state, LabelEventType.CategoryChanged, jobId, now, fromCategory, category, direction, fromCount, observation.ReportCount, observation.LabelText));
            }
            else
            {
                var jump = IsJump(fromCount, observation.ReportCount, options);
                if (jump)
                {
                    events.Add(Event(state, LabelEventType.CountJump, jobId, now, category, category, null, fromCount, observation.ReportCount, observation.LabelText));
                }

                changed = jump ||
                    !string.Equals(prior!.LabelText, observation.LabelText, StringComparison.Ordinal) ||
                    !string.Equals(prior.SourceApp, observation.SourceApp, StringComparison.Ordinal) ||
                    !string.Equals(prior.Severity, observation.Severity, StringComparison.Ordinal);
            }

            state.State = nameof(ObservedState.Labeled);
            state.Category = category;
            state.LabelText = observation.LabelText;
            state.ReportCount = observation.ReportCount;
            state.SourceApp = observation.SourceApp;
            state.Severity = observation.Severity;
        }

        LabelHistoryEntity? history = null;
        if (changed)
        {
            state.LastChangedAt = now;
            history = new LabelHistoryEntity
            {
                PartitionKey = number,
                RowKey = LabelHistoryEntity.RowFor(platform, now, jobId),
                Platform = platform,
                ObservedAt = now,
                FromState = fromState,
                FromCategory = fromCategory,
                ToState = state.State,
                ToCategory = state.Category,
                LabelText = state.LabelText,
                ReportCount = state.ReportCount,
                SourceApp = state.SourceApp,
                Severity = state.Severity,
                EvidenceUrl = state.EvidenceUrl,
                EvidenceStatus = state.EvidenceStatus,
                EvidenceExcerpt = state.EvidenceExcerpt,
                JobId = jobId,
            };
        }

        state.FollowUpPending = changed || events.Count > 0;
        return new Transition(state, history, events);
    }

    private static bool IsJump(int? from, int? to, LookupOptions options)
    {
        if (from is not { } before || to is not { } after || after - before < options.CountJumpMinDelta)
        {
            return false;
        }

        return before == 0 || (after - before) / (double)before >= options.CountJumpMinRatio;
    }

    private static LabelEventEntity Event(
        LabelStateEntity state, LabelEventType type, string jobId, DateTimeOffset now, string? fromCategory, string? toCategory,
        string? direction, int? fromCount, int? toCount, string? labelText = null)
    {
        var id = $"{jobId}-{type}";
        return new LabelEventEntity
        {
            PartitionKey = state.PartitionKey,
            RowKey = LabelEventEntity.RowPrefix + id,
            EventId = id,
            Type = type.ToString(),
            Platform = state.Platform,
            FromCategory = fromCategory,
            ToCategory = toCategory,
            Direction = direction,
            FromCount = fromCount,
            ToCount = toCount,
            LabelText = labelText,
            OccurredAt = now,
        };
    }

    private static LabelStateEntity Copy(LabelStateEntity s) => new()
    {
        PartitionKey = s.PartitionKey,
        RowKey = s.RowKey,
        ETag = s.ETag,
        State = s.State,
        Category = s.Category,
        LabelText = s.LabelText,
        ReportCount = s.ReportCount,
        SourceApp = s.SourceApp,
        Severity = s.Severity,
        FirstSeenAt = s.FirstSeenAt,
        LastCheckedAt = s.LastCheckedAt,
        LastChangedAt = s.LastChangedAt,
        LastReadAt = s.LastReadAt,
        ConsecutiveUnknowns = s.ConsecutiveUnknowns,
        LastUnknownReason = s.LastUnknownReason,
        UnreadableRaised = s.UnreadableRaised,
        LastJobId = s.LastJobId,
        FollowUpPending = s.FollowUpPending,
        EvidenceUrl = s.EvidenceUrl,
        EvidenceStatus = s.EvidenceStatus,
        EvidenceExcerpt = s.EvidenceExcerpt,
        LastFailure = s.LastFailure,
        LastFailureAt = s.LastFailureAt,
    };

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
