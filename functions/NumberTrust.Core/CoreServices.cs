using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NumberTrust.Health;
using NumberTrust.Hosting;
using NumberTrust.Numbers;
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
        return services;
    }
}
