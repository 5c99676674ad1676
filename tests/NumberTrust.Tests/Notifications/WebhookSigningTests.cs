using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using NumberTrust.Notifications.Webhooks;

namespace NumberTrust.Tests.Notifications;

public sealed class WebhookSigningTests
{
    // The Standard Webhooks reference test vector.
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] VectorBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    [Fact]
    public void The_signer_reproduces_the_reference_test_vector()
    {
        Assert.Equal(VectorSignature, WebhookSigner.Sign(VectorId, VectorTimestamp, VectorBody, WebhookSecret.Parse(VectorSecret)));
    }

    [Fact]
    public void During_rotation_both_secrets_sign_and_a_receiver_with_either_accepts()
    {
        var old = WebhookSecret.Parse(VectorSecret);
        var fresh = WebhookSecret.Generate();

        var header = WebhookSigner.Sign(VectorId, VectorTimestamp, VectorBody, [old, fresh]);

        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(VectorSignature, parts[0]);
        Assert.Equal(WebhookSigner.Sign(VectorId, VectorTimestamp, VectorBody, fresh), parts[1]);
        Assert.Equal(WebhookVerificationResult.Valid, VerifierAt(VectorTimestamp, old).Verify(VectorId, "1614265330", header, VectorBody));
        Assert.Equal(WebhookVerificationResult.Valid, VerifierAt(VectorTimestamp, fresh).Verify(VectorId, "1614265330", header, VectorBody));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature,
            VerifierAt(VectorTimestamp, WebhookSecret.Generate()).Verify(VectorId, "1614265330", header, VectorBody));
    }

    [Fact]
    public void Signing_needs_at_least_one_secret()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign(VectorId, VectorTimestamp, VectorBody, Array.Empty<WebhookSecret>()));
    }

    [Fact]
    public void A_generated_secret_is_whsec_and_32_random_bytes_and_parses_back()
    {
        var secret = WebhookSecret.Generate();
        var other = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", secret.Value, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret.Value["whsec_".Length..]).Length);
        Assert.NotEqual(secret.Value, other.Value);
        Assert.Equal(secret.Value, WebhookSecret.Parse(secret.Value).Value);
        Assert.DoesNotContain(secret.Value["whsec_".Length..], secret.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    public void Malformed_secrets_are_refused_with_a_reason(string? value)
    {
        Assert.NotNull(WebhookSecret.Validate(value));
        Assert.False(WebhookSecret.TryParse(value, out _));
    }

    [Theory]
    [InlineData(23, false)]
    [InlineData(24, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Secrets_hold_24_to_64_bytes(int bytes, bool valid)
    {
        var value = "whsec_" + Convert.ToBase64String(new byte[bytes]);

        Assert.Equal(valid, WebhookSecret.Validate(value) is null);
    }

    [Theory]
    [InlineData(0, WebhookVerificationResult.Valid)]
    [InlineData(300, WebhookVerificationResult.Valid)]
    [InlineData(-300, WebhookVerificationResult.Valid)]
    [InlineData(301, WebhookVerificationResult.TimestampTooOld)]
    [InlineData(-301, WebhookVerificationResult.TimestampTooNew)]
    [InlineData(86_400, WebhookVerificationResult.TimestampTooOld)]
    public void The_verifier_accepts_timestamps_within_five_minutes_either_way(long receiverAheadBySeconds, WebhookVerificationResult expected)
    {
        var verifier = VerifierAt(VectorTimestamp + receiverAheadBySeconds, WebhookSecret.Parse(VectorSecret));

        Assert.Equal(expected, verifier.Verify(VectorId, "1614265330", VectorSignature, VectorBody));
    }

    [Fact]
    public void The_tolerance_can_be_set()
    {
        var verifier = new WebhookVerifier([WebhookSecret.Parse(VectorSecret)], Clock(VectorTimestamp + 900)) { Tolerance = TimeSpan.FromMinutes(20) };

        Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify(VectorId, "1614265330", VectorSignature, VectorBody));
    }

    [Theory]
    [InlineData(null, "1614265330", VectorSignature, WebhookVerificationResult.MissingHeaders)]
    [InlineData(VectorId, null, VectorSignature, WebhookVerificationResult.MissingHeaders)]
    [InlineData(VectorId, "1614265330", null, WebhookVerificationResult.MissingHeaders)]
    [InlineData(VectorId, "16142653x0", VectorSignature, WebhookVerificationResult.InvalidTimestamp)]
    [InlineData(VectorId, "-1614265330", VectorSignature, WebhookVerificationResult.InvalidTimestamp)]
    [InlineData(VectorId, "1614265330.0", VectorSignature, WebhookVerificationResult.InvalidTimestamp)]
    [InlineData("msg_other", "1614265330", VectorSignature, WebhookVerificationResult.NoMatchingSignature)]
    [InlineData(VectorId, "1614265331", VectorSignature, WebhookVerificationResult.NoMatchingSignature)]
    public void Missing_or_altered_headers_are_refused(string? id, string? timestamp, string? signature, WebhookVerificationResult expected)
    {
        var verifier = VerifierAt(VectorTimestamp, WebhookSecret.Parse(VectorSecret));

        Assert.Equal(expected, verifier.Verify(id, timestamp, signature, VectorBody));
    }

    [Theory]
    // Same length, first byte differs; same length, last byte differs: both reach the constant-time comparison and fail.
    [InlineData("v1,h0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O==", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlN", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("v1,not-base64-at-all", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerificationResult.NoMatchingSignature)]
    [InlineData("v1,AAAA v1a,xyz v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerificationResult.Valid)]
    [InlineData("v2,zzz v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerificationResult.Valid)]
    public void Any_matching_v1_signature_is_accepted_and_nothing_else(string header, WebhookVerificationResult expected)
    {
        var verifier = VerifierAt(VectorTimestamp, WebhookSecret.Parse(VectorSecret));

        Assert.Equal(expected, verifier.Verify(VectorId, "1614265330", header, VectorBody));
    }

    [Fact]
    public void An_altered_body_is_refused()
    {
        var verifier = VerifierAt(VectorTimestamp, WebhookSecret.Parse(VectorSecret));

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, verifier.Verify(VectorId, "1614265330", VectorSignature, Encoding.UTF8.GetBytes("{\"test\": 2432232315}")));
    }

    [Fact]
    public void The_verifier_reads_the_standard_headers()
    {
        var headers = new HeaderDictionary
        {
            [WebhookHeaders.Id] = VectorId,
            [WebhookHeaders.Timestamp] = "1614265330",
            [WebhookHeaders.Signature] = VectorSignature,
        };

        Assert.Equal(WebhookVerificationResult.Valid, VerifierAt(VectorTimestamp, WebhookSecret.Parse(VectorSecret)).Verify(headers, VectorBody));
    }

    private static WebhookVerifier VerifierAt(long unixSeconds, WebhookSecret secret) => new([secret], Clock(unixSeconds));

    private static FakeTimeProvider Clock(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
}
