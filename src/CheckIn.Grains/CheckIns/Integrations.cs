namespace CheckIn.Grains.CheckIns;

/// <summary>What the Weight service said about a bag.</summary>
/// <param name="WeightKg">The weight, when the service answered with one.</param>
/// <param name="Unavailable">The service did not answer in time, failed, or its circuit is open.</param>
/// <param name="RetryAfter">When it is worth asking again (for the Retry-After header), if known.</param>
/// <param name="NotFound">The service answered that it has no bag with that tag.</param>
[GenerateSerializer, Immutable, Alias("checkin.BagWeighing")]
public sealed record BagWeighing(
    [property: Id(0)] decimal? WeightKg,
    [property: Id(1)] bool Unavailable,
    [property: Id(2)] TimeSpan? RetryAfter = null,
    [property: Id(3)] bool NotFound = false)
{
    public static BagWeighing Weighed(decimal kg) => new(kg, false);

    public static BagWeighing NotAvailable(TimeSpan? retryAfter = null) => new(null, true, retryAfter);

    public static BagWeighing UnknownTag() => new(null, false, null, true);
}

/// <summary>The Weight service, as the check-in grain sees it (implemented over HTTP by the Host).</summary>
public interface IBagScale
{
    /// <summary>The bag's weight; never throws for an unreachable or failing service (answers Unavailable).</summary>
    Task<BagWeighing> WeighAsync(string bagTag, CancellationToken cancellationToken = default);
}

/// <summary>A payment intent to create at the provider.</summary>
[GenerateSerializer, Immutable, Alias("checkin.PaymentRequest")]
public sealed record PaymentRequest(
    [property: Id(0)] decimal Amount,
    [property: Id(1)] string Currency,
    [property: Id(2)] string Reference,
    [property: Id(3)] string Description,
    [property: Id(4)] string IdempotencyKey);

/// <summary>The provider's answer: the intent's id and pay link, or Unavailable.</summary>
[GenerateSerializer, Immutable, Alias("checkin.PaymentIntentCreated")]
public sealed record PaymentIntentCreated(
    [property: Id(0)] string? IntentId,
    [property: Id(1)] string? PayUrl,
    [property: Id(2)] bool Unavailable,
    [property: Id(3)] TimeSpan? RetryAfter = null);

/// <summary>The payment provider, as the check-in grain sees it (implemented over HTTP by the Host).</summary>
public interface IPaymentGateway
{
    /// <summary>Creates (or, for a repeated idempotency key, finds) an intent; never throws for an unreachable provider.</summary>
    Task<PaymentIntentCreated> CreateIntentAsync(PaymentRequest request, CancellationToken cancellationToken = default);

    /// <summary>Cancels an unpaid intent at the provider; never throws for an unreachable provider.</summary>
    Task<IntentCancellation> CancelIntentAsync(string intentId, CancellationToken cancellationToken = default);
}

/// <summary>What the provider said to a cancellation.</summary>
public enum IntentCancellation
{
    /// <summary>The intent is cancelled (or was already).</summary>
    Canceled = 1,

    /// <summary>The intent had already succeeded or failed (or is unknown): the provider's webhook tells which.</summary>
    AlreadyFinal = 2,

    /// <summary>The provider did not answer: try again later.</summary>
    Unavailable = 3,
}
