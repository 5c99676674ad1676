using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Appeals;
using NumberTrust.Hosting;
using NumberTrust.Storage;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// The Email channel through the HTTP API against Azurite and the fake ACS endpoint: submit sends the appeal once, with its evidence
/// attached and reply-to the contact, even when the send is processed again; failures are noted and retried; no ACS means 409.
/// </summary>
public sealed class AppealEmailChannelTests : IAsyncLifetime
{
    private AppealChannelHost _host = null!;

    public async Task InitializeAsync() => _host = await AppealChannelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Simulator.Acs.AcsEmailSimulator Acs => _host.Acs!;

    [Fact]
    public async Task Submit_on_an_email_route_mails_the_appeal_once_with_evidence_and_reply_to_the_contact()
    {
        const string number = "+8613800139001";
        var id = await _host.DraftAsync(number, "baidu");
        await _host.UploadAsync(id, "operator-bill", AppealChannelHost.PdfFile, "application/pdf");
        await _host.UploadAsync(id, "id-copy", AppealChannelHost.PngFile, "image/png");

        var submitted = await _host.SubmitAsync(id);

        Assert.Equal("Submitted", submitted.GetProperty("status").GetString());
        Assert.Equal("Pending", submitted.GetProperty("send").GetProperty("status").GetString());
        var appeal = await _host.WaitForAsync(id, a => AppealChannelHost.HasNote(a, "emailed to"), "emailed");
        Assert.Equal("Done", appeal.GetProperty("send").GetProperty("status").GetString());
        var mail = Assert.Single(Acs.Mailbox);
        var operationId = AppealEmail.OperationIdFor(_host.TenantId, id).ToString("D");
        Assert.Equal(operationId, mail.OperationId);
        Assert.Equal(AppealChannelHost.BaiduDesk, Assert.Single(mail.To).Address);
        Assert.Equal("li.wei@example.com", Assert.Single(mail.ReplyTo).Address);
        Assert.Equal(AppealChannelHost.Sender, mail.From);
        Assert.Contains(number, mail.Subject);
        Assert.Contains("baidu", mail.Subject);
        Assert.Contains("号码标记申诉", mail.PlainText); // baidu's language is zh-CN
        Assert.Contains("统一社会信用代码：91310000MA1K000000", mail.PlainText);
        Assert.Equal([("id-copy.png", "image/png", AppealChannelHost.PngFile.Length), ("operator-bill.pdf", "application/pdf", AppealChannelHost.PdfFile.Length)],
            mail.Attachments.Select(a => (a.Name, a.ContentType, a.Size)).OrderBy(a => a.Name));
        Assert.Equal("Submitted", appeal.GetProperty("status").GetString());
        Assert.Contains(operationId, appeal.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Processing_the_send_again_after_a_crash_or_a_redelivery_sends_no_second_mail()
    {
        var id = await _host.DraftAsync("+8613800139002", "baidu");
        await _host.SubmitAsync(id);
        var appeal = await _host.WaitForAsync(id, a => AppealChannelHost.HasWhy(a, "emailed to"), "emailed");
        Assert.Equal("Submitted", appeal.GetProperty("status").GetString());
        var tenant = _host.TenantId;
        var sender = _host.Api.Services.GetRequiredService<AppealSender>();

        // A redelivered first message is stale (the send moved on); a crash between the send and its record leaves the row Pending.
        await sender.SendAsync(Message(tenant, id, 0), CancellationToken.None);
        var table = _host.Api.Services.GetRequiredService<StorageAccount>().Table(TableNames.Appeals);
        var row = (await table.GetEntityAsync<AppealSendEntity>(tenant, AppealSendEntity.RowOf(id))).Value;
        Assert.Equal(nameof(AppealSendStatus.Done), row.Status);
        row.Status = nameof(AppealSendStatus.Pending);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        await Task.WhenAll(sender.SendAsync(Message(tenant, id, row.Attempt), CancellationToken.None),
            sender.SendAsync(Message(tenant, id, row.Attempt), CancellationToken.None));

        Assert.Single(Acs.Mailbox, m => m.Subject.Contains("+8613800139002", StringComparison.Ordinal));
        Assert.Equal(1, Acs.Requests.Count(r => r.Method == "POST" && r.OperationId == AppealEmail.OperationIdFor(tenant, id).ToString("D")));
    }

    [Fact]
    public async Task A_failed_send_is_noted_and_retried_and_the_appeal_stays_submitted()
    {
        Acs.FailSends(4, 503); // the client retries 503 three times in place; the fourth failure ends the attempt
        var id = await _host.DraftAsync("+8613800139003", "baidu");

        await _host.SubmitAsync(id);

        var appeal = await _host.WaitForAsync(id, a => AppealChannelHost.HasWhy(a, "emailed to"), "emailed after retries");
        var whys = await _host.WhysAsync(id);
        Assert.Contains(whys, w => w.Contains("attempt 1 failed", StringComparison.Ordinal) && w.Contains("503", StringComparison.Ordinal) && w.Contains("Retrying at", StringComparison.Ordinal));
        Assert.Equal("Submitted", appeal.GetProperty("status").GetString());
        Assert.Single(Acs.Mailbox, m => m.Subject.Contains("+8613800139003", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_operation_that_ends_failed_is_noted_once_and_not_retried()
    {
        Acs.FailOperations(1);
        var id = await _host.DraftAsync("+8613800139004", "baidu");

        await _host.SubmitAsync(id);

        var appeal = await _host.WaitForAsync(id, a => AppealChannelHost.HasNote(a, "could not be delivered"), "failure noted");
        Assert.Contains("file the appeal by hand", appeal.GetProperty("note").GetString());
        Assert.Equal("Submitted", appeal.GetProperty("status").GetString());
        Assert.Single(await _host.WhysAsync(id), w => w.Contains("Email channel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_on_an_email_route_without_an_address_is_refused_with_409_and_stays_draft()
    {
        await using var host = await AppealChannelHost.StartAsync(extra: new Dictionary<string, string?> { ["Appeals:Routes:baidu:EmailAddress"] = "" });
        var id = await host.DraftAsync("+8613800139005", "baidu");

        using var response = await host.Client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("no emailAddress", problem.GetProperty("detail").GetString());
        Assert.Equal("Email", problem.GetProperty("channel").GetString());
        Assert.Equal("Draft", (await host.AppealAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Submit_on_an_email_route_without_acs_configured_is_refused_with_409_naming_the_settings()
    {
        await using var host = await AppealChannelHost.StartAsync(email: false);
        var id = await host.DraftAsync("+8613800139006", "baidu");

        using var response = await host.Client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("Email:ConnectionString", problem.GetProperty("detail").GetString());
        Assert.Equal("Draft", (await host.AppealAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_route_edited_by_the_admin_api_decides_the_channel_of_the_next_submit()
    {
        // qihoo360 is an Api route in this host; the admin turns it into an Email route.
        using var admin = _host.Api.Admin();
        using (var put = await admin.PutAsJsonAsync("/api/platforms/qihoo360/appeal-route", new { channel = "Email", emailAddress = "shensu@360.example.com" }))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var id = await _host.DraftAsync("+8613800139007", "qihoo360");
        await _host.SubmitAsync(id);

        await _host.WaitForAsync(id, a => AppealChannelHost.HasWhy(a, "emailed to shensu@360.example.com"), "emailed");
        Assert.Equal("shensu@360.example.com", Assert.Single(Acs.Mailbox).To.Single().Address);
        Assert.Empty(_host.Remediation.Requests);
    }

    [Fact]
    public async Task The_sweep_queues_a_send_whose_message_was_lost_and_it_is_mailed_once()
    {
        var clock = new ShiftedClock();
        await using var host = await AppealChannelHost.StartAsync(
            extra: new Dictionary<string, string?> { ["AzureWebJobs.SendAppeal.Disabled"] = "true" }, clock: clock);
        var id = await host.DraftAsync("+8613800139008", "baidu");
        await host.SubmitAsync(id);
        var queue = host.Api.Services.GetRequiredService<StorageAccount>().Queue(QueueNames.AppealSends);
        await queue.ClearMessagesAsync(); // the message a crash after the commit would never have sent

        clock.Offset = AppealSweeper.OutboxGrace + TimeSpan.FromSeconds(5);
        var now = clock.GetUtcNow();
        await FunctionTable.RunTimerAsync(FunctionNames.AppealSweepTimer, host.Api.Services, new TimerTick(now, false, null, now.AddMinutes(5)), CancellationToken.None);
        await FunctionTable.RunTimerAsync(FunctionNames.AppealSweepTimer, host.Api.Services, new TimerTick(now, false, null, now.AddMinutes(5)), CancellationToken.None);

        var messages = (await queue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(2, messages.Length); // each sweep queues it again; the claim and the attempt number make the second a no-op
        foreach (var message in messages)
        {
            await FunctionTable.RunQueueAsync(FunctionNames.SendAppeal, host.Api.Services, QueueMessageContext.From(message), CancellationToken.None);
        }

        Assert.Single(host.Acs!.Mailbox);
        Assert.True(AppealChannelHost.HasWhy(await host.AppealAsync(id), "emailed to"));
    }

    private static QueueMessageContext Message(string tenant, string id, int attempt) =>
        new(Guid.NewGuid().ToString("N"), QueueMessageJson.Serialize(new AppealSendMessage(AppealSendMessage.CurrentVersion, tenant, id, attempt)), 1, null);
}
