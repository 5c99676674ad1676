using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Appeals;
using NumberTrust.Simulator.Remediation;
using NumberTrust.Tests.Infrastructure;

namespace NumberTrust.Tests.Appeals;

/// <summary>
/// The Api channel through the HTTP API against Azurite and the simulated remediation API: submit POSTs the appeal, the background
/// polls until the vendor decides, and the decision lands as InReview (with the ticket) or Rejected (with the reason) through the
/// same code as <c>/updates</c>; 5xx, timeouts and bad JSON are noted and retried, and nothing is ever taken as Resolved.
/// </summary>
public sealed class AppealApiChannelTests : IAsyncLifetime
{
    private AppealChannelHost _host = null!;

    public async Task InitializeAsync() => _host = await AppealChannelHost.StartAsync(email: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private RemediationApiSimulator Vendor => _host.Remediation;

    [Fact]
    public async Task Submit_posts_the_appeal_polls_and_records_InReview_with_the_ticket_number()
    {
        Vendor.AcceptNext("TKT-360-0042", pendingPolls: 2);
        var id = await _host.DraftAsync("+8613800139101", "qihoo360");
        await _host.UploadAsync(id, "business-licence", AppealChannelHost.PdfFile, "application/pdf");

        var submitted = await _host.SubmitAsync(id);

        Assert.Equal("Submitted", submitted.GetProperty("status").GetString());
        var appeal = await _host.WaitForAsync(id, a => a.GetProperty("status").GetString() == "InReview", "InReview");
        Assert.Equal("TKT-360-0042", appeal.GetProperty("ticketNumber").GetString());
        var send = appeal.GetProperty("send");
        Assert.Equal("Done", send.GetProperty("status").GetString());
        Assert.StartsWith("rem_", send.GetProperty("operationId").GetString());
        Assert.True(send.GetProperty("polls").GetInt32() >= 2);
        var body = Assert.Single(Vendor.Submissions);
        Assert.Equal(id, body["appealId"]!.GetValue<string>());
        Assert.Equal("+8613800139101", body["number"]!.GetValue<string>());
        Assert.Contains("号码标记申诉", body["text"]!.GetValue<string>());
        Assert.Equal("business-licence", body["evidence"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(id, Vendor.Requests.First(r => r.Method == "POST").IdempotencyKey);
        Assert.True(Vendor.Requests.Count(r => r.Method == "GET") >= 3); // pending, pending, accepted
        var transitions = appeal.GetProperty("transitions").EnumerateArray().ToList();
        Assert.Equal("channel:api", transitions[^1].GetProperty("actor").GetString());
        Assert.Equal("InReview", transitions[^1].GetProperty("to").GetString());
        Assert.Contains(transitions, t => t.GetProperty("why").GetString()!.Contains("sent to the remediation API", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refusal_records_Rejected_with_the_vendors_reason()
    {
        Vendor.RefuseNext("The number is registered to another business.");
        var id = await _host.DraftAsync("+8613800139102", "qihoo360");

        await _host.SubmitAsync(id);

        var appeal = await _host.WaitForAsync(id, a => a.GetProperty("status").GetString() == "Rejected", "Rejected");
        Assert.Equal("The number is registered to another business.", appeal.GetProperty("rejectionReason").GetString());
        Assert.NotNull(appeal.GetProperty("closedAt").GetString());

        // Deleting the closed appeal removes its channel send too.
        using var deleted = await _host.Client.DeleteAsync("/api/appeals/" + id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await _host.Api.Services.GetRequiredService<AppealStore>().SendAsync(_host.TenantId, id, CancellationToken.None));
    }

    [Fact]
    public async Task Server_errors_timeouts_and_bad_json_are_noted_and_retried_until_the_vendor_decides()
    {
        Vendor.FailSubmits(1, RemediationFault.ServerError, 503);
        Vendor.FailSubmits(1, RemediationFault.Hang);
        Vendor.FailPolls(1, RemediationFault.BadJson);
        Vendor.AcceptNext("TKT-RETRIED");
        var id = await _host.DraftAsync("+8613800139103", "qihoo360");

        var submitted = await _host.SubmitAsync(id);

        Assert.Equal("Submitted", submitted.GetProperty("status").GetString());
        var appeal = await _host.WaitForAsync(id, a => a.GetProperty("status").GetString() == "InReview", "InReview after retries", TimeSpan.FromSeconds(45));
        var whys = await _host.WhysAsync(id);
        // Each failure is its own noted attempt (order as scripted; a slow machine may add a timeout of its own, so no fixed numbers).
        Assert.Contains(whys, w => w.Contains("failed", StringComparison.Ordinal) && w.Contains("HTTP 503", StringComparison.Ordinal) && w.Contains("Retrying at", StringComparison.Ordinal));
        Assert.Contains(whys, w => w.Contains("failed", StringComparison.Ordinal) && w.Contains("no answer", StringComparison.Ordinal));
        Assert.Contains(whys, w => w.Contains("failed", StringComparison.Ordinal) && w.Contains("unreadable JSON", StringComparison.Ordinal));
        Assert.Equal("TKT-RETRIED", appeal.GetProperty("ticketNumber").GetString());
        Assert.Single(Vendor.Submissions); // the retried POSTs carried the same Idempotency-Key
        Assert.DoesNotContain(appeal.GetProperty("transitions").EnumerateArray(), t => t.GetProperty("to").GetString() == "Resolved");
    }

    [Fact]
    public async Task A_removed_claim_after_the_vendor_accepted_leaves_the_appeal_in_review_until_lookups_verify()
    {
        var id = await _host.DraftAsync("+8613800139104", "qihoo360");
        await _host.SubmitAsync(id);
        await _host.WaitForAsync(id, a => a.GetProperty("status").GetString() == "InReview", "InReview");

        // A removed claim (an operator's or a vendor's, both take ApplyUpdateAsync) is a note, never Resolved on trust.
        using var update = await _host.Client.PostAsJsonAsync($"/api/appeals/{id}/updates", new { status = "Removed" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var appeal = await _host.AppealAsync(id);
        Assert.Equal("InReview", appeal.GetProperty("status").GetString());
    }

    [Fact]
    public async Task After_the_last_attempt_the_channel_gives_up_with_a_note_and_the_appeal_stays_submitted()
    {
        await using var host = await AppealChannelHost.StartAsync(email: false, extra: new Dictionary<string, string?> { ["Appeals:Channels:MaxAttempts"] = "2" });
        host.Remediation.FailSubmits(5, RemediationFault.ServerError, 500);
        var id = await host.DraftAsync("+8613800139106", "qihoo360");

        await host.SubmitAsync(id);

        var appeal = await host.WaitForAsync(id, a => AppealChannelHost.HasNote(a, "Gave up"), "given up");
        Assert.Equal("Failed", appeal.GetProperty("send").GetProperty("status").GetString());
        Assert.Contains("Gave up after 2 failed attempts", appeal.GetProperty("note").GetString());
        Assert.Contains("/updates", appeal.GetProperty("note").GetString());
        Assert.Equal("Submitted", appeal.GetProperty("status").GetString());
        Assert.Equal(2, host.Remediation.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task Submit_on_an_api_route_whose_secret_setting_is_missing_is_refused_with_409()
    {
        await using var host = await AppealChannelHost.StartAsync(email: false, extra: new Dictionary<string, string?> { [AppealChannelHost.SecretSetting] = "" });
        var id = await host.DraftAsync("+8613800139105", "qihoo360");

        using var response = await host.Client.PostAsJsonAsync($"/api/appeals/{id}/submit", new { });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains(AppealChannelHost.SecretSetting, problem.GetProperty("detail").GetString());
        Assert.Empty(host.Remediation.Requests);
    }
}
