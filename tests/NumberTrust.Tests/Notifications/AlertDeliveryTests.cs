using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;
using static NumberTrust.Tests.Infrastructure.ScriptedLabelSource;

namespace NumberTrust.Tests.Notifications;

/// <summary>Label events fanned out to every watching tenant's subscriptions, delivered exactly once per channel.</summary>
public sealed class AlertDeliveryTests : IAsyncLifetime
{
    private DeliveryHost _host = null!;

    public async Task InitializeAsync() => _host = await DeliveryHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_label_event_reaches_both_watching_tenants_by_webhook_and_mail_exactly_once_even_when_redelivered()
    {
        var alpha = await _host.Api.TenantAsync();
        var beta = await _host.Api.TenantAsync();
        var bystander = await _host.Api.TenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await alpha.PutAsJsonAsync("/api/numbers/13800138050", new { displayName = "Hotline" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await beta.PutAsJsonAsync("/api/numbers/13800138050", new { displayName = "Sales" })).StatusCode);
        var (alphaSub, alphaSecret) = await DeliveryHost.SubscribeAsync(alpha, new
        {
            name = "Alpha fraud <desk>", eventTypes = new[] { "label.*" }, emails = new[] { "ops@alpha.example.com" },
            webhooks = new[] { _host.Receiver.UrlFor("/alpha").ToString() },
        });
        var (betaSub, betaSecret) = await DeliveryHost.SubscribeAsync(beta, new
        {
            name = "Beta", eventTypes = new[] { "label.new" }, filters = new { minimumCategory = "Harassment" }, emails = new[] { "sec@beta.example.com" },
            webhooks = new[] { _host.Receiver.UrlFor("/beta").ToString() },
        });
        // Matches the type but not the filter (platform), and a tenant that does not watch the number: neither gets anything.
        var (betaOther, _) = await DeliveryHost.SubscribeAsync(beta, new { name = "Baidu only", eventTypes = new[] { "*" }, filters = new { platform = "baidu" }, emails = new[] { "baidu@beta.example.com" } });
        await DeliveryHost.SubscribeAsync(bystander, new { name = "All", eventTypes = new[] { "*" }, emails = new[] { "nobody@bystander.example.com" } });
        _host.Receiver.AddEndpoint("/alpha", alphaSecret!);
        _host.Receiver.AddEndpoint("/beta", betaSecret!);
        _host.Source.Script("+8613800138050", "qihoo360", Labeled("fraud", "诈骗电话", 57, "360手机卫士"));

        Assert.Equal(HttpStatusCode.Accepted, (await alpha.PostAsync("/api/numbers/13800138050/scans", null)).StatusCode);

        var alphaDone = await DeliveryHost.WaitForDeliveriesAsync(alpha, alphaSub, "succeeded", items => items.Length == 2);
        await DeliveryHost.WaitForDeliveriesAsync(beta, betaSub, "succeeded", items => items.Length == 2);
        Assert.All(alphaDone, d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
        Assert.All(alphaDone, d => Assert.Equal("label.new", d.GetProperty("eventType").GetString()));

        var webhooks = _host.Receiver.Deliveries;
        Assert.Equal(2, webhooks.Count);
        Assert.Single(webhooks, w => w.Path == "/alpha" && w.SignatureValid);
        Assert.Single(webhooks, w => w.Path == "/beta" && w.SignatureValid);
        var alphaHook = JsonDocument.Parse(webhooks.Single(w => w.Path == "/alpha").Body).RootElement;
        Assert.Equal("label.new", alphaHook.GetProperty("type").GetString());
        Assert.Equal("+8613800138050", alphaHook.GetProperty("data").GetProperty("number").GetString());
        Assert.Equal("诈骗电话", alphaHook.GetProperty("data").GetProperty("labelText").GetString());
        Assert.Equal(alphaSub, alphaHook.GetProperty("data").GetProperty("subscriptionId").GetString());

        var mails = _host.Acs.Mailbox;
        Assert.Equal(2, mails.Count);
        var mail = Assert.Single(mails, m => m.To.Single().Address == "ops@alpha.example.com");
        Assert.Single(mails, m => m.To.Single().Address == "sec@beta.example.com");
        Assert.Equal(DeliveryHost.Sender, mail.From);
        Assert.Contains("+8613800138050", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("360", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("诈骗电话", mail.Subject, StringComparison.Ordinal);
        Assert.Contains($"{DeliveryHost.PublicBaseUrl}/api/numbers/%2B8613800138050", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("lang=\"zh-CN\">诈骗电话<", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Alpha fraud &lt;desk&gt;", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<desk>", mail.Html, StringComparison.Ordinal);
        Assert.Contains(alphaSub, mail.PlainText, StringComparison.Ordinal);

        // The alerts message again, as a queue would redeliver it: nothing new is recorded or sent.
        var storage = _host.Api.Services.GetRequiredService<StorageAccount>();
        var record = await storage.Table(TableNames.Deliveries).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"RowKey ge {"d|"} and RowKey lt {"d}"}")).FirstAsync();
        var body = record.GetString("Event");
        for (var i = 0; i < 3; i++)
        {
            await storage.Queue(QueueNames.Alerts).SendMessageAsync(body);
        }

        await DeliveryHost.WaitUntilAsync(async () => (await storage.Queue(QueueNames.Alerts).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the alerts queue to drain");
        await Task.Delay(1500);
        Assert.Equal(2, _host.Receiver.Deliveries.Count);
        Assert.Empty(_host.Receiver.Duplicates());
        Assert.Equal(2, _host.Acs.Mailbox.Count);
        var all = await alpha.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{alphaSub}/deliveries");
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        Assert.Empty((await beta.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{betaOther}/deliveries")).GetProperty("items").EnumerateArray());
    }
}
