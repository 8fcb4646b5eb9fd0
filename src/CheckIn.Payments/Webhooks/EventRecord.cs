namespace CheckIn.Payments;

/// <summary>One POST of an event: its HTTP status, or the network error when there was no response.</summary>
internal sealed record DeliveryAttempt(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, bool Succeeded, bool WillRetry);

/// <summary>One queued send of an event; duplicates and redeliveries are separate deliveries of the same record.</summary>
internal sealed record Delivery(EventRecord Record, int Attempt);

/// <summary>An event, its body serialized once (the exact bytes that are signed and sent), and every attempt so far.</summary>
internal sealed class EventRecord(PaymentWebhookEvent evt, byte[] body)
{
    private readonly Lock _gate = new();
    private readonly List<DeliveryAttempt> _attempts = [];

    public PaymentWebhookEvent Event { get; } = evt;

    public byte[] Body { get; } = body;

    public void Add(DeliveryAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
        }
    }

    public IReadOnlyList<DeliveryAttempt> Attempts()
    {
        lock (_gate)
        {
            return [.. _attempts];
        }
    }
}
