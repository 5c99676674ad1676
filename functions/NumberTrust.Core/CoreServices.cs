using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NumberTrust.Health;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.Scanning;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust;

/// <summary>Composition root shared by both hosts: everything that is not host-specific.</summary>
public static class CoreServices
{
    public static IServiceCollection AddNumberTrustCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = ApiJson.Options.PropertyNamingPolicy;
            options.SerializerOptions.DefaultIgnoreCondition = ApiJson.Options.DefaultIgnoreCondition;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        });
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<StorageAccount>();
        services.AddHostedService<StorageInitializer>();

        services.AddSingleton(new KnownPlatforms(configuration));
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<NumberStore>();
        services.AddSingleton<NumbersApi>();
        services.AddSingleton<ImportApi>();
        services.AddSingleton<AdminApi>();
        services.AddSingleton<HealthApi>();

        services.AddOptions<ScanOptions>().BindConfiguration(ScanOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TrustScoreOptions>().BindConfiguration(TrustScoreOptions.Section);
        services.AddPlatforms(configuration);
        services.TryAddSingleton<ILabelSeverity, TaxonomySeverity>();
        services.TryAddSingleton<ILabelSource, PlatformLabelSource>();
        services.AddSingleton<TrustScorer>();
        services.AddSingleton<PeakWindowCache>();
        services.AddSingleton<ScanPlanner>();
        services.AddSingleton<LookupWorker>();
        services.AddSingleton<ScansApi>();
        services.AddSingleton<PeakWindowsApi>();
        services.AddSingleton<PlatformsApi>();
        foreach (var queue in QueueNames.All)
        {
            services.AddSingleton(new QueueRegistration(queue));
        }
        return services;
    }
}
