using System.Security.Cryptography;
using System.Text;
using CheckIn.Payments;

namespace CheckIn.Payments.Tests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test_vector_secret_0123456789abcdef";
    private const long Timestamp = 1_700_000_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","amount":50.00}""");
    private static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Sign_matches_a_fixed_vector_computed_outside_the_code_under_test()
    {
        // Computed with Python: hmac.new(secret, b"1700000000." + body, sha256).hexdigest()
        Assert.Equal("v1=923b9604386155098860fea253dc7e325303c28259fd35ad1a704966ec648862", WebhookSignature.Sign(Secret, Timestamp, Body));
    }

    [Fact]
    public void Sign_is_lowercase_hex_HMAC_SHA256_over_timestamp_dot_body()
    {
        byte[] signed = [.. Encoding.ASCII.GetBytes($"{Timestamp}."), .. Body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed);

        Assert.Equal("v1=" + Convert.ToHexString(expected).ToLowerInvariant(), WebhookSignature.Sign(Secret, Timestamp, Body));
    }

    [Fact]
    public void A_signed_body_verifies()
    {
        Assert.Equal(WebhookCheck.Valid, Verify(WebhookSignature.Sign(Secret, Timestamp, Body)));
    }

    [Fact]
    public void A_tampered_body_is_rejected()
    {
        var signature = WebhookSignature.Sign(Secret, Timestamp, Body);
        var tampered = Encoding.UTF8.GetBytes("""{"id":"evt_1","amount":5.00}""");

        Assert.Equal(WebhookCheck.BadSignature,
            WebhookSignature.Verify(Secret, Timestamp.ToString(), signature, tampered, SentAt, Tolerance));
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_rejected()
    {
        Assert.Equal(WebhookCheck.BadSignature, Verify(WebhookSignature.Sign("another-secret-0123456789abcdefghijklmn", Timestamp, Body)));
    }

    [Fact]
    public void A_replayed_signature_with_a_new_timestamp_is_rejected()
    {
        var signature = WebhookSignature.Sign(Secret, Timestamp, Body);

        Assert.Equal(WebhookCheck.BadSignature,
            WebhookSignature.Verify(Secret, (Timestamp + 1).ToString(), signature, Body, SentAt, Tolerance));
    }

    [Theory]
    [InlineData(null, "v1=00")]
    [InlineData("", "v1=00")]
    [InlineData("1700000000", null)]
    [InlineData("1700000000", " ")]
    public void Missing_headers_are_reported(string? timestamp, string? signature)
    {
        Assert.Equal(WebhookCheck.MissingHeader, WebhookSignature.Verify(Secret, timestamp, signature, Body, SentAt, Tolerance));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1700000000")]
    [InlineData("1700000000.5")]
    [InlineData(" 1700000000")]
    [InlineData("99999999999999999999")]
    public void A_malformed_timestamp_is_reported(string timestamp)
    {
        var signature = WebhookSignature.Sign(Secret, Timestamp, Body);

        Assert.Equal(WebhookCheck.MalformedHeader, WebhookSignature.Verify(Secret, timestamp, signature, Body, SentAt, Tolerance));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("v1=")]
    [InlineData("v1=zz3b9604386155098860fea253dc7e325303c28259fd35ad1a704966ec648862")]
    [InlineData("v1=923b9604386155098860fea253dc7e325303c28259fd35ad1a704966ec64886")]
    [InlineData("v0=923b9604386155098860fea253dc7e325303c28259fd35ad1a704966ec648862")]
    public void A_malformed_signature_header_is_reported(string signature)
    {
        Assert.Equal(WebhookCheck.MalformedHeader, Verify(signature));
    }

    [Theory]
    [InlineData(0, WebhookCheck.Valid)]
    [InlineData(300_000, WebhookCheck.Valid)]
    [InlineData(-300_000, WebhookCheck.Valid)]
    [InlineData(300_001, WebhookCheck.OutsideTolerance)]
    [InlineData(-300_001, WebhookCheck.OutsideTolerance)]
    public void The_timestamp_must_be_within_the_tolerance_either_way(int clockOffsetMs, WebhookCheck expected)
    {
        var signature = WebhookSignature.Sign(Secret, Timestamp, Body);
        var now = SentAt.AddMilliseconds(clockOffsetMs);

        Assert.Equal(expected, WebhookSignature.Verify(Secret, Timestamp.ToString(), signature, Body, now, Tolerance));
    }

    [Fact]
    public void Any_matching_v1_value_is_enough_during_secret_rotation()
    {
        var old = WebhookSignature.Sign("the-old-secret-0123456789abcdefghijklmn", Timestamp, Body);
        var current = WebhookSignature.Sign(Secret, Timestamp, Body);

        Assert.Equal(WebhookCheck.Valid, Verify($"{old}, {current}"));
        Assert.Equal(WebhookCheck.Valid, Verify($"{current},{old}"));
        Assert.Equal(WebhookCheck.Valid, Verify($"v0=ignored-scheme, {current}"));
        Assert.Equal(WebhookCheck.BadSignature, Verify($"{old}, {WebhookSignature.Sign("yet-another-secret-0123456789abcdefghij", Timestamp, Body)}"));
    }

    private static WebhookCheck Verify(string signature) =>
        WebhookSignature.Verify(Secret, Timestamp.ToString(), signature, Body, SentAt, Tolerance);
}
