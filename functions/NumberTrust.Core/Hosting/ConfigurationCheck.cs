using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NumberTrust.Hosting;

/// <summary>One setting group the app checks at start-up and on every health probe.</summary>
public sealed record ConfigurationRule(string Section, Func<IServiceProvider, string?> Problem);

/// <summary>
/// Validates every registered settings group without ever stopping the app: a bad value is reported by health (503 naming it) and
/// logged at start-up, and only the code that needs the setting fails (with the same message). In Azure a worker that stops before
/// it connects to the Functions host never gets its reason into the host's logs.
/// </summary>
public sealed class ConfigurationCheck(IEnumerable<ConfigurationRule> rules, IServiceProvider services)
{
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var rule in rules)
        {
            try
            {
                if (rule.Problem(services) is { } problem)
                {
                    problems.Add(problem);
                }
            }
            catch (OptionsValidationException e)
            {
                problems.Add($"{rule.Section}: {string.Join(" ", e.Failures)}");
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                problems.Add($"{rule.Section}: {e.Message}");
            }
        }

        return problems;
    }
}

/// <summary>Logs the settings problems once at start-up, where both hosts' users look for them.</summary>
public sealed partial class ConfigurationReport(ConfigurationCheck check, ILogger<ConfigurationReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var problem in check.Problems())
        {
            Log.Invalid(logger, problem);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1010, Level = LogLevel.Critical, Message = "Invalid configuration (the features that need it fail until it is fixed): {Problem}")]
        public static partial void Invalid(ILogger logger, string problem);
    }
}

public static class ConfigurationCheckExtensions
{
    /// <summary>Binds a settings section with data-annotation validation and adds it to the <see cref="ConfigurationCheck"/>.</summary>
    public static OptionsBuilder<T> AddCheckedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, string? name = null)
        where T : class
    {
        var optionsName = name ?? Options.DefaultName;
        var path = name is null ? section : $"{section}:{name}";
        services.AddSingleton(new ConfigurationRule(path, sp =>
        {
            _ = sp.GetRequiredService<IOptionsMonitor<T>>().Get(optionsName);
            return null;
        }));
        return services.AddOptions<T>(optionsName).Bind(configuration.GetSection(path)).ValidateDataAnnotations();
    }
}
