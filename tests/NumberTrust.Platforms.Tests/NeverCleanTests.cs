using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using NumberTrust.Simulator;

namespace NumberTrust.Platforms.Tests;

/// <summary>
/// The property the product rests on: a response an adapter cannot positively read is never Clean. Checked for every adapter
/// against every broken response kind over HTTP, and against every prefix and random garbage of the clean answers themselves.
/// </summary>
public sealed class NeverCleanTests
{
    private static readonly FaultKind[] Broken =
    [
        FaultKind.Blocked, FaultKind.Captcha, FaultKind.Truncated, FaultKind.Garbled, FaultKind.Empty, FaultKind.UnknownLayout,
        FaultKind.ServerError, FaultKind.ConnectionReset, FaultKind.ResetMidBody, FaultKind.Hang, FaultKind.RateLimited,
    ];

    [Fact]
    public async Task No_adapter_reads_any_broken_response_as_clean()
    {
        await using var harness = await PlatformHarness.StartAsync(s =>
        {
            foreach (var id in PlatformHarness.AllPlatforms)
            {
                s[$"Platforms:{id}:Timeout"] = "00:00:01";
                s[$"Platforms:{id}:AttemptTimeout"] = "00:00:00.400";
                s[$"Platforms:{id}:MaxRetries"] = "0";
            }
        });

        var failures = new List<string>();
        var lookups = new List<Task>();
        foreach (var platform in PlatformHarness.AllPlatforms)
        {
            var number = PlatformHarness.NumberFor(platform);
            harness.Simulator.Script(platform, number.E164, NumberScript.Clean());
        }

        // One platform at a time, so each fault meets its own lookup; platforms run in parallel.
        foreach (var platform in PlatformHarness.AllPlatforms)
        {
            lookups.Add(Task.Run(async () =>
            {
                foreach (var kind in Broken)
                {
                    harness.Simulator.InjectFault(platform, new FaultSpec(kind, Count: 1));
                    var result = await harness.LookupAsync(platform);
                    if (result.Outcome != LookupOutcome.Unknown)
                    {
                        lock (failures)
                        {
                            failures.Add($"{platform} {kind}: {result}");
                        }
                    }
                }
            }));
        }

        await Task.WhenAll(lookups);
        Assert.Empty(failures);

        // And with the faults gone, the same numbers read Clean: the Unknowns above were the faults' doing.
        foreach (var platform in PlatformHarness.AllPlatforms)
        {
            Assert.Equal(LookupOutcome.Clean, (await harness.LookupAsync(platform)).Outcome);
        }
    }

    public static TheoryData<string, string> CleanAnswers()
    {
        var data = new TheoryData<string, string>();
        foreach (var platform in SimulatedPlatforms.BuiltIn)
        {
            foreach (var layout in SimulatorFixtures.Layouts(platform).Where(l => l.State == LayoutState.Clean).Select(l => l.Layout).Distinct())
            {
                data.Add(platform, layout);
            }
        }

        data.Add(nameof(VendorShape.Flat), "default");
        data.Add(nameof(VendorShape.PerApp), "default");
        return data;
    }

    [Theory]
    [MemberData(nameof(CleanAnswers))]
    public async Task No_strict_prefix_of_a_clean_answer_and_no_random_garbage_is_clean(string renderKey, string layout)
    {
        var platform = renderKey switch
        {
            nameof(VendorShape.Flat) => PlatformHarness.VendorFlat,
            nameof(VendorShape.PerApp) => PlatformHarness.VendorApps,
            _ => renderKey,
        };
        var number = PlatformHarness.NumberFor(platform);
        var requested = platform switch
        {
            SimulatedPlatforms.Telnyx => number.E164,
            SimulatedPlatforms.Nomorobo => "212-555-0100",
            _ => number.NationalDialString,
        };
        var clean = SimulatorFixtures.Render(renderKey, layout, requested, null, DateTimeOffset.UnixEpoch);
        var stub = new StubHandler();
        await using var harness = await PlatformHarness.StartAsync(
            s => s["Platforms:sogou:Variant"] = layout is "script" or "haoma-tag" ? "web" : "api",
            services: s => s.AddHttpClient(PlatformIds.HttpClientName(platform)).ConfigurePrimaryHttpMessageHandler(() => stub));

        // The untouched answer is Clean, unless it is a "no data yet" answer; that calibrates the property below.
        stub.Next = clean;
        var whole = await harness.LookupAsync(platform, number);
        Assert.True(whole.IsClean || whole.Reason == UnknownReason.InsufficientData, whole.ToString());

        // A prefix that only loses trailing whitespace is still the whole answer; every shorter one must not be Clean.
        var meaningful = clean.Body.Length;
        while (meaningful > 0 && clean.Body[meaningful - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            meaningful--;
        }

        var random = new Random(renderKey.Length * 7919 + layout.Length);
        var cuts = Enumerable.Range(0, 24).Select(_ => random.Next(0, meaningful))
            .Concat([0, 1, meaningful / 2, meaningful - 1])
            .Distinct();
        foreach (var cut in cuts)
        {
            stub.Next = clean with { Body = clean.Body[..cut] };
            var result = await harness.LookupAsync(platform, number);
            Assert.False(result.IsClean, $"{platform}/{layout} cut at {cut} of {clean.Body.Length}: {result}");
        }

        for (var i = 0; i < 8; i++)
        {
            var garbage = new byte[random.Next(1, 4096)];
            random.NextBytes(garbage);
            stub.Next = clean with { Body = garbage };
            var result = await harness.LookupAsync(platform, number);
            Assert.False(result.IsClean, $"{platform}/{layout} random bytes: {result}");
        }
    }

    [Theory]
    [MemberData(nameof(AllPlatformIds))]
    public async Task A_foreign_page_or_document_is_never_clean(string platform)
    {
        var stub = new StubHandler();
        await using var harness = await PlatformHarness.StartAsync(
            services: s => s.AddHttpClient(PlatformIds.HttpClientName(platform)).ConfigurePrimaryHttpMessageHandler(() => stub));
        var foreign = new[]
        {
            ("text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>Hello</p></body></html>"),
            ("text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>维护中</title></head><body><div id=\"app\"></div></body></html>"),
            ("application/json", "{}"),
            ("application/json", "[]"),
            ("application/json", "{\"data\":null}"),
            ("application/javascript", "show()"),
            ("text/plain", "OK"),
        };

        foreach (var (contentType, body) in foreign)
        {
            stub.Next = new SimResponse(200, contentType, System.Text.Encoding.UTF8.GetBytes(body), SimResponse.NoHeaders);
            var result = await harness.LookupAsync(platform);
            Assert.False(result.IsClean, $"{platform} read '{body}' as {result}");
        }
    }

    public static TheoryData<string> AllPlatformIds() => new(PlatformHarness.AllPlatforms);

    /// <summary>Answers every request with <see cref="Next"/>; no network.</summary>
    private sealed class StubHandler : HttpMessageHandler
    {
        public SimResponse Next { get; set; } = new(200, "text/plain", [], SimResponse.NoHeaders);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var answer = Next;
            var response = new HttpResponseMessage((HttpStatusCode)answer.Status) { RequestMessage = request, Content = new ByteArrayContent(answer.Body) };
            if (answer.ContentType is not null)
            {
                response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType);
            }

            foreach (var (name, value) in answer.Headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        }
    }
}
