using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NumberTrust;
using NumberTrust.Telemetry;
using OpenTelemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddNumberTrustCore(builder.Configuration);

var telemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults().AddNumberTrustTelemetry(builder.Configuration);
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // Application Insights has local (key) auth off: the exporter signs in with the app's managed identity.
    var clientId = builder.Configuration["AzureWebJobsStorage:clientId"];
    telemetry.UseAzureMonitorExporter(o =>
    {
        o.ConnectionString = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        o.Credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        o.SamplingRatio = (float)(builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions()).TraceSamplingRatio;
    });
}

builder.Build().Run();
