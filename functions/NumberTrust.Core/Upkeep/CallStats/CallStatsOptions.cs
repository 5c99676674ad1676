using System.ComponentModel.DataAnnotations;

namespace NumberTrust.Upkeep.CallStats;

/// <summary>The answer-rate drop detector's thresholds (section <c>Upkeep:AnswerRate</c>).</summary>
public sealed class CallStatsOptions : IValidatableObject
{
    public const string Section = "Upkeep:AnswerRate";

    /// <summary>A 7-day answer rate at least this many percentage points under the 28-day baseline is a drop.</summary>
    [Range(0.1, 100.0)]
    public decimal DropPoints { get; set; } = 10;

    /// <summary>A drop episode ends once the 7-day rate is back within this many points of the baseline the drop was measured against.</summary>
    [Range(0.0, 100.0)]
    public decimal RecoveryPoints { get; set; } = 5;

    /// <summary>Attempted calls both the 7-day window and the baseline need before a rate counts (fewer say nothing).</summary>
    [Range(1, 100_000_000)]
    public long MinCalls { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RecoveryPoints >= DropPoints)
        {
            yield return new ValidationResult(
                $"{Section}:RecoveryPoints ({RecoveryPoints}) must be less than {Section}:DropPoints ({DropPoints}), or a drop would end the day it starts.",
                [nameof(RecoveryPoints)]);
        }
    }
}
