using System.Text.Json;
using CheckIn.Payments;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Integrations;

/// <summary>What a webhook delivery turned out to be.</summary>
public abstract record PaymentWebhookVerification
{
    private PaymentWebhookVerification()
    {
    }

    /// <summary>Signed with our secret inside the tolerance window, and a well-formed event.</summary>
    public sealed record Valid(PaymentWebhookEvent Event) : PaymentWebhookVerification;

    /// <summary>Missing or malformed signature headers, a stale timestamp, or a wrong signature (answer 401).</summary>
    public sealed record Unauthorized(WebhookCheck Reason) : PaymentWebhookVerification;

    /// <summary>The body is larger than <see cref="PaymentWebhookVerifier.MaxBodyBytes"/>; read no further (answer 413).</summary>
    public sealed record TooLarge : PaymentWebhookVerification;

    /// <summary>Correctly signed, but the body is not an event (answer 400).</summary>
    public sealed record Malformed(string Reason) : PaymentWebhookVerification;
}

/// <summary>Checks a webhook's signature with our secret, tolerance and clock, then reads the event.</summary>
public sealed class PaymentWebhookVerifier(IOptions<IntegrationOptions> options, TimeProvider time)
{
    /// <summary>Webhook bodies are small; anything larger is refused unread.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Reads the raw body and the signature headers of <paramref name="request"/>, then verifies them.</summary>
    public async Task<PaymentWebhookVerification> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return new PaymentWebhookVerification.TooLarge();
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
        {
            return new PaymentWebhookVerification.TooLarge();
        }
        return Verify(request.Headers[WebhookSignature.TimestampHeader], request.Headers[WebhookSignature.SignatureHeader],
            buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Verifies the exact bytes that were signed; the body is parsed only once the signature holds.</summary>
    public PaymentWebhookVerification Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        var settings = options.Value.Payments;
        var check = WebhookSignature.Verify(settings.WebhookSecret!, timestampHeader, signatureHeader, body,
            time.GetUtcNow(), settings.WebhookTolerance);
        if (check != WebhookCheck.Valid)
        {
            return new PaymentWebhookVerification.Unauthorized(check);
        }
        PaymentWebhookEvent? received;
        try
        {
            received = JsonSerializer.Deserialize<PaymentWebhookEvent>(body, PaymentJson.Options);
        }
        catch (JsonException ex)
        {
            // Where, not the serializer's message: that names .NET types ("System.String").
            var at = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "the body" : $"'{ex.Path.TrimStart('$', '.')}'";
            return new PaymentWebhookVerification.Malformed($"{at} is not valid JSON or has the wrong type (line {ex.LineNumber + 1})");
        }
        // The record's strings are non-nullable, but the serializer leaves absent properties null.
        return received is { Id.Length: > 0, Type.Length: > 0, IntentId.Length: > 0, Currency: not null, Reference: not null }
            ? new PaymentWebhookVerification.Valid(received)
            : new PaymentWebhookVerification.Malformed("The body lacks id, type, intentId, currency or reference.");
    }
}
