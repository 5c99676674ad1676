namespace NumberTrust.Functions.Tests.Infrastructure;

/// <summary>Tests that start dotnet builds run one at a time: on two cores, parallel builds only slow each other down.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetProcesses
{
    public const string Name = "dotnet processes";
}
