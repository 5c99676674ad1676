using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using NumberTrust.Hosting;
using NumberTrust.Local.Azurite;
using NumberTrust.Local.Queues;
using NumberTrust.Local.Scheduling;
using NumberTrust.Storage;
using NumberTrust.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace NumberTrust.Local;

/// <summary>
/// The single-machine host: the same Core handlers as the Functions app behind Kestrel, the same timer schedules evaluated with
/// NCrontab, and queue listeners with the Functions queue-trigger semantics read from the same host.json.
/// </summary>
public static class LocalHost
{
    public static WebApplicationBuilder AddNumberTrustLocalHost(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Defaults for a fresh clone; appsettings, environment variables and the command line override them.
            [StorageAccount.ConnectionSetting] = builder.Configuration[StorageAccount.ConnectionSetting] ?? "UseDevelopmentStorage=true",
            [ScheduleSettings.ScanPlanner] = builder.Configuration[ScheduleSettings.ScanPlanner] ?? "0 * * * * *",
            [ScheduleSettings.AppealSweep] = builder.Configuration[ScheduleSettings.AppealSweep] ?? "0 */5 * * * *",
            [ScheduleSettings.Digest] = builder.Configuration[ScheduleSettings.Digest] ?? "0 */15 * * * *",
            [ScheduleSettings.UpkeepReminders] = builder.Configuration[ScheduleSettings.UpkeepReminders] ?? "0 5 * * * *",
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Larger bodies than the CSV limit are refused by Kestrel itself; the handlers enforce the exact per-endpoint limits.
            kestrel.Limits.MaxRequestBodySize = HttpBody.MaxCsvBytes + 1024 * 1024;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Services.AddHostedService<AzuriteBootstrap>();
        builder.Services.AddSingleton(NumberTrust.Notifications.Webhooks.WebhookUrlPolicy.LocalHost);
        builder.Services.AddNumberTrustCore(builder.Configuration);
        builder.AddLocalTelemetry();
        builder.Services.AddProblemDetails();
        // Routing's content-type matcher would answer a wrong media type with 415 before the endpoint's API-key filter runs;
        // the handlers check media types themselves, after authentication (the Accepts metadata stays, for OpenAPI).
        var accepts = builder.Services.SingleOrDefault(d => d.ImplementationType?.Name == "AcceptsMatcherPolicy");
        if (accepts is not null)
        {
            builder.Services.Remove(accepts);
        }
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "NumberTrust API",
                    Version = "v1",
                    Description = "Caller-ID label monitoring for business phone numbers. Every endpoint except /api/health needs an API key in the x-api-key header.",
                };
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiHeaders.ApiKey,
                    Description = "A tenant API key (or the admin key for /api/admin endpoints).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.RelativePath?.EndsWith(ApiRoutes.Health, StringComparison.Ordinal) != true &&
                    context.Description.RelativePath?.StartsWith(ApiRoutes.Prefix + "/public/", StringComparison.Ordinal) != true)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", context.Document)] = [] });
                }

                return Task.CompletedTask;
            });
        });

        var hostJson = Path.Combine(AppContext.BaseDirectory, "host.json");
        var queueOptions = QueueHostOptions.FromHostJson(hostJson);
        // Local overrides (tests, demos): host.json stays the source of truth for both hosts otherwise.
        var overrides = builder.Configuration.GetSection("Queues");
        queueOptions = queueOptions with
        {
            ProcessingLease = overrides.GetValue("ProcessingLease", queueOptions.ProcessingLease),
            VisibilityTimeout = overrides.GetValue("VisibilityTimeout", queueOptions.VisibilityTimeout),
            MaxPollingInterval = overrides.GetValue("MaxPollingInterval", queueOptions.MaxPollingInterval),
        };

        builder.Services.AddSingleton(queueOptions);
        // As in Azure Functions, the app setting AzureWebJobs.<FunctionName>.Disabled=true turns a trigger off.
        bool Disabled(string name) => builder.Configuration.GetValue($"AzureWebJobs.{name}.Disabled", false);
        foreach (var function in FunctionTable.Queues)
        {
            builder.Services.AddSingleton(new QueueRegistration(function.QueueName));
            if (!Disabled(function.Name))
            {
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueListener>(sp, function));
            }
        }

        foreach (var function in FunctionTable.Timers.Where(f => !Disabled(f.Name)))
        {
            var schedule = TimerSchedules.Resolve(function, builder.Configuration);
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerRunner>(sp, function, schedule));
        }

        return builder;
    }

    /// <summary>The shared OpenTelemetry setup plus ASP.NET Core spans; exported over OTLP when an endpoint is set, to the console on request.</summary>
    private static void AddLocalTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry().AddNumberTrustTelemetry(builder.Configuration)
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        if (builder.Configuration.GetValue("Telemetry:Console", false))
        {
            telemetry.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
        }
    }

    public static WebApplication UseNumberTrustLocalHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Every bodiless error the app produces (unknown route, wrong method) gets a ProblemDetails body.
        app.UseStatusCodePages(context => Problems.Problem(
                context.HttpContext.Response.StatusCode,
                ReasonPhrases.GetReasonPhrase(context.HttpContext.Response.StatusCode),
                $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} cannot be answered.")
            .ExecuteAsync(context.HttpContext));
        app.MapOpenApi("/openapi/v1.json");
        app.MapNumberTrustApi();
        return app;
    }
}
