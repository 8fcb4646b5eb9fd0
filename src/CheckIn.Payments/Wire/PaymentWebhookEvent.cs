namespace CheckIn.Payments;

/// <summary>How a payment intent ended; serialized as <c>SUCCEEDED</c>, <c>FAILED</c>, <c>CANCELED</c>.</summary>
public enum PaymentOutcome
{
    Succeeded,
    Failed,
    Canceled,
}

/// <summary>
/// The body of a webhook POST. <see cref="Id"/> (<c>evt_…</c>) is stable across retries and duplicate deliveries, so
/// a receiver deduplicates on it; <see cref="Type"/> is <c>payment_intent.succeeded</c>,
/// <c>payment_intent.payment_failed</c> or <c>payment_intent.canceled</c>.
/// </summary>
public sealed record PaymentWebhookEvent(
    string Id,
    string Type,
    string IntentId,
    PaymentOutcome Outcome,
    decimal Amount,
    string Currency,
    string Reference,
    DateTimeOffset OccurredAt);

internal static class PaymentEventTypes
{
    public const string Succeeded = "payment_intent.succeeded";
    public const string Failed = "payment_intent.payment_failed";
    public const string Canceled = "payment_intent.canceled";

    public static string Of(PaymentOutcome outcome) => outcome switch
    {
        PaymentOutcome.Succeeded => Succeeded,
        PaymentOutcome.Failed => Failed,
        PaymentOutcome.Canceled => Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}

internal static class Ids
{
    public static string NewIntentId() => "pi_" + Guid.NewGuid().ToString("N");

    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N");
}
