using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NumberTrust.Hosting;
using NumberTrust.Labels;

namespace NumberTrust.Platforms;

public static class PlatformServices
{
    /// <summary>
    /// Registers the label taxonomy, the options of every platform (<c>Platforms:&lt;id&gt;</c>, validated at start-up), one named
    /// HttpClient per platform with its own resilience pipeline, the adapter registry and the catalog.
    /// </summary>
    public static IServiceCollection AddPlatforms(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLabelTaxonomy(configuration);

        var ids = PlatformRegistry.ConfiguredIds(configuration);
        services.TryAddSingleton(new PlatformIdSet(ids));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlatformOptions>, PlatformOptionsValidator>());
        foreach (var id in ids)
        {
            services.AddCheckedOptions<PlatformOptions>(configuration, PlatformOptions.Section, id).PostConfigure(o => o.Id = id);

            var platformId = id;
            var client = services.AddHttpClient(PlatformIds.HttpClientName(id))
                .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // the pipeline owns timeouts
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    // Redirects are answers: Baidu and Sogou redirect to their captcha pages.
                    AllowAutoRedirect = false,
                    AutomaticDecompression = System.Net.DecompressionMethods.All,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                });
            client.AddResilienceHandler("lookup", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<PlatformOptions>>().Get(platformId);
                PlatformResilience.Configure(pipeline, platformId, options, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });
            // Added after the resilience handler, so it sits inside it and runs once per attempt.
            client.AddHttpMessageHandler(sp => new PacingHandler(sp.GetRequiredService<PlatformPacers>().For(platformId)));
        }

        services.TryAddSingleton<PlatformPacers>();
        services.TryAddSingleton<PlatformRegistry>();
        services.TryAddSingleton<IPlatformAdapterRegistry>(sp => sp.GetRequiredService<PlatformRegistry>());
        services.TryAddSingleton<PlatformCatalog>();
        return services;
    }

    /// <summary>Registers <see cref="LabelTaxonomy"/> with <c>Labels</c> options validated at start-up.</summary>
    public static IServiceCollection AddLabelTaxonomy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<LabelOptions>(configuration, LabelOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LabelOptions>, LabelOptionsValidator>());
        services.TryAddSingleton<LabelTaxonomy>();
        return services;
    }
}
