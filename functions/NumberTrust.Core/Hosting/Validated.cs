using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace NumberTrust.Hosting;

/// <summary>A request input checked once: the parsed value, or the 400 that names the field.</summary>
public readonly record struct Validated<T>(T? Value, ValidationProblem? Problem)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsValid => Problem is null;

    public static implicit operator Validated<T>(T value) => new(value, null);

    public static implicit operator Validated<T>(ValidationProblem problem) => new(default, problem);
}
