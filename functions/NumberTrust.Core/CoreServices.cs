using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NumberTrust.Appeals;
using NumberTrust.Hosting;
using NumberTrust.Lookups;
using NumberTrust.Notifications;
using NumberTrust.Notifications.Email;
using NumberTrust.Notifications.Subscriptions;
using NumberTrust.Notifications.Webhooks;
using NumberTrust.Numbers;
using NumberTrust.Platforms;
using NumberTrust.ScanRuns;
using NumberTrust.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Tenants;
using NumberTrust.Upkeep;

namespace NumberTrust;

/// <summary>Composition root shared by both hosts: everything that is not host-specific.</summary>
public static class CoreServices
{
    public static IServiceCollection AddNumberTrustCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddRouting();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = ApiJson.Options.PropertyNamingPolicy;
            options.SerializerOptions.DefaultIgnoreCondition = ApiJson.Options.DefaultIgnoreCondition;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        });
        services.AddSingleton<ConfigurationCheck>();
        services.AddSingleton(new ConfigurationRule("Key Vault references", _ => SecretSetting.UnresolvedIn(configuration.AsEnumerable()).ToList() is { Count: > 0 } unresolved
            ? $"These settings are Key Vault references the platform could not resolve (check the vault and the identity's access): {string.Join(", ", unresolved)}."
            : null));
        services.AddHostedService<ConfigurationReport>();
        services.AddSingleton<ApiEndpointTable>();

        // A background service's failure must never take the host, and with it every function, down.
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        services.AddSingleton<StorageAccount>();
        services.AddSingleton<StorageReadiness>();
        services.AddHostedService<StorageInitializer>();
        foreach (var queue in QueueNames.All)
        {
            services.AddSingleton(new QueueRegistration(queue));
        }

        services.AddCheckedOptions<AuthOptions>(configuration, AuthOptions.Section);
        services.AddSingleton(new ConfigurationRule(AuthOptions.Section, sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.AdminKeyProblem));
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<TenantStore>();
        services.AddScoped<CurrentTenant>();

        services.AddPlatforms(configuration);
        services.AddSingleton<IPacingLedger, TablePacingLedger>();

        services.AddSingleton<NumberStore>();
        services.AddSingleton<NumberImporter>();

        services.AddCheckedOptions<LookupOptions>(configuration, LookupOptions.Section);
        services.AddCheckedOptions<TrustScoreOptions>(configuration, TrustScoreOptions.Section);
        services.TryAddSingleton<ILabelSeverity, TaxonomySeverity>();
        services.TryAddSingleton<ILabelSource, PlatformLabelSource>();
        services.AddSingleton<PlatformSelection>();
        services.AddSingleton<TrustScorer>();
        services.AddSingleton<LookupWorker>();
        services.AddSingleton<EventPublisher>();

        services.AddCheckedOptions<SchedulingOptions>(configuration, SchedulingOptions.Section);
        services.AddSingleton<ScheduleChains>();
        services.AddSingleton<ShardPlanLease>();
        services.AddSingleton<PeakWindowCache>();
        services.AddSingleton<ScanPlanner>();
        services.AddSingleton<SchedulePuller>();

        services.AddSingleton<AppealStore>();
        services.AddSingleton<ILookupObserver, AppealVerifier>();
        services.AddCheckedOptions<AppealsOptions>(configuration, AppealsOptions.Section);
        services.AddCheckedOptions<AppealVerificationOptions>(configuration, AppealsOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AppealsOptions>, AppealsOptionsValidator>();
        services.AddSingleton<AppealRoutes>();
        services.AddSingleton<AppealSweeper>();
        services.AddSingleton<EvidenceStore>();
        services.AddSingleton<ScanRunStore>();
        services.AddSingleton<ScanRunService>();
        services.AddSingleton<ScanRunExpander>();
        services.AddCheckedOptions<SharedLookupOptions>(configuration, SharedLookupOptions.Section);
        services.AddSingleton<LookupClaims>();
        services.AddSingleton<FreshScanQuota>();

        services.AddSingleton<IdentityObserver>();
        services.AddSingleton<ILookupObserver>(sp => sp.GetRequiredService<IdentityObserver>());
        // Alerts: subscriptions and their channels. The local host registers the loopback-friendly URL policy before this.
        services.TryAddSingleton(WebhookUrlPolicy.Azure);
        services.AddCheckedOptions<WebhookSenderOptions>(configuration, WebhookSenderOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookSenderOptions>>().Value);
        services.AddSingleton<WebhookSender>();
        services.AddCheckedOptions<EmailOptions>(configuration, EmailOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<EmailChannel>();
        services.AddSingleton<SubscriptionStore>();
        services.AddCheckedOptions<NumberTrust.Notifications.Deliveries.AlertOptions>(configuration, NumberTrust.Notifications.Deliveries.AlertOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<NumberTrust.Notifications.Deliveries.AlertOptions>, NumberTrust.Notifications.Deliveries.AlertOptionsValidator>();
        services.AddSingleton<NumberTrust.Notifications.Deliveries.DeliveryStore>();
        services.AddSingleton<NumberTrust.Notifications.Deliveries.DeliveryQueue>();
        services.AddSingleton<NumberTrust.Notifications.Mail.AlertMailRenderer>();
        services.AddSingleton<NumberTrust.Notifications.Deliveries.AlertDispatcher>();
        services.AddSingleton<NumberTrust.Notifications.Deliveries.DeliveryWorker>();

        services.AddCheckedOptions<NumberTrust.Upkeep.CallStats.CallStatsOptions>(configuration, NumberTrust.Upkeep.CallStats.CallStatsOptions.Section);
        services.AddSingleton<NumberTrust.Upkeep.CallStats.CallStatsStore>();
        services.AddSingleton<NumberTrust.Upkeep.CallStats.CallStatsService>();
        services.AddSingleton<NumberTrust.Upkeep.Trust.TrustHistoryStore>();
        services.AddSingleton<ILookupObserver, NumberTrust.Upkeep.Trust.TrustRecorder>();
        services.AddCheckedOptions<NumberTrust.Upkeep.Reports.ReportOptions>(configuration, NumberTrust.Upkeep.Reports.ReportOptions.Section);
        services.AddSingleton<NumberTrust.Upkeep.Reports.ReportRateLimiter>();
        services.AddSingleton<NumberTrust.Upkeep.Reports.ReportLinkStore>();
        services.AddSingleton<NumberTrust.Upkeep.Reports.CustomerReportService>();
        services.AddSingleton<NumberTrust.Upkeep.Expectations.ExpectationStore>();
        services.AddSingleton<NumberTrust.Upkeep.Expectations.DisplayMismatchObserver>();
        services.AddSingleton<ILookupObserver>(sp => sp.GetRequiredService<NumberTrust.Upkeep.Expectations.DisplayMismatchObserver>());
        services.AddSingleton<NumberTrust.Upkeep.Documents.DocumentStore>();
        services.AddSingleton<NumberTrust.Upkeep.Reminders.UpkeepReminderScheduler>();
        services.AddSingleton<NumberTrust.Upkeep.Tasks.UpkeepTaskStore>();
        services.AddSingleton<NumberTrust.Upkeep.Tasks.UpkeepTaskPlanner>();
        services.AddSingleton<NumberTrust.Upkeep.Summary.WeeklySummaryComposer>();
        services.AddSingleton<NumberTrust.Notifications.Digests.DigestStore>();
        services.AddSingleton<NumberTrust.Notifications.Digests.DigestCollector>();
        services.AddSingleton<NumberTrust.Notifications.Digests.DigestScheduler>();
        services.AddSingleton<NumberTrust.Notifications.Digests.DigestComposer>();

        // Appeal channels: Email and Api sends in the background, route edits by the admin API.
        services.AddSingleton<AppealSender>();
        services.AddSingleton<RemediationApiClient>();
        services.AddSingleton<AppealRouteEdits>();
        services.AddHostedService<AppealRouteRefresher>();
        services.AddHttpClient(RemediationApiClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new System.Net.Http.SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
