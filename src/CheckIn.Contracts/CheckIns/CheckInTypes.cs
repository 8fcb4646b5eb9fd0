using CheckIn.Contracts.Flights;

namespace CheckIn.Contracts.CheckIns;

/// <summary>Where a passenger's check-in for one flight stands.</summary>
public enum CheckInStatus
{
    /// <summary>Nothing has happened yet.</summary>
    NotStarted = 1,

    /// <summary>Started: the passenger may choose a seat, add bags and complete.</summary>
    InProgress = 2,

    /// <summary>Paused until an overweight-bag payment succeeds.</summary>
    WaitingForPayment = 3,

    /// <summary>Done: the boarding pass is issued.</summary>
    Completed = 4,

    /// <summary>Cancelled before departure; the seat was released. May be started again while the window is open.</summary>
    Cancelled = 5,
}

/// <summary>What a client may do next with a check-in (derived from its state and the check-in window).</summary>
public enum CheckInAction
{
    Start = 1,
    ChooseSeat = 2,
    AddBag = 3,
    Pay = 4,
    Complete = 5,
    Cancel = 6,
    GetBoardingPass = 7,
}

/// <summary>An amount of money: decimal, never floating point, with its ISO 4217 currency.</summary>
[GenerateSerializer, Immutable, Alias("checkin.Money")]
public sealed record Money([property: Id(0)] decimal Amount, [property: Id(1)] string Currency);

/// <summary>A checked bag, weighed by the Weight service.</summary>
/// <param name="Fee">The overweight fee (zero when the weight is within the allowance).</param>
/// <param name="PaymentIntentId">The payment intent that charges the fee, for an overweight bag.</param>
[GenerateSerializer, Immutable, Alias("checkin.CheckedBag")]
public sealed record CheckedBag(
    [property: Id(0)] string BagTag,
    [property: Id(1)] decimal WeightKg,
    [property: Id(2)] bool Overweight,
    [property: Id(3)] Money Fee,
    [property: Id(4)] string? PaymentIntentId,
    [property: Id(5)] DateTimeOffset AddedAt);

/// <summary>A payment intent's state (the provider's state machine; terminal states never change).</summary>
public enum PaymentStatus
{
    RequiresPayment = 1,
    Succeeded = 2,
    Failed = 3,
    Canceled = 4,
}

/// <summary>A payment intent created for overweight-bag fees.</summary>
/// <param name="RefundDue">The payment succeeded after the check-in was cancelled: recorded for a refund, not applied.</param>
[GenerateSerializer, Immutable, Alias("checkin.PaymentIntent")]
public sealed record PaymentIntent(
    [property: Id(0)] string IntentId,
    [property: Id(1)] Money Amount,
    [property: Id(2)] PaymentStatus Status,
    [property: Id(3)] string? PayUrl,
    [property: Id(4)] bool RefundDue,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt);

/// <summary>A payment provider's webhook event, verified by the Host, as the check-in grain applies it.</summary>
[GenerateSerializer, Immutable, Alias("checkin.PaymentEvent")]
public sealed record PaymentEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] string IntentId,
    [property: Id(2)] PaymentStatus Outcome,
    [property: Id(3)] DateTimeOffset OccurredAt);

/// <summary>What applying a payment event did.</summary>
public enum PaymentEventEffect
{
    /// <summary>The event changed the intent (and maybe resumed the check-in).</summary>
    Applied = 1,

    /// <summary>This event id was applied before: nothing changed.</summary>
    Duplicate = 2,

    /// <summary>The intent is already final (an out-of-order or conflicting event): recorded, nothing changed.</summary>
    IntentAlreadyFinal = 3,

    /// <summary>No intent of this check-in has that id: ignored.</summary>
    UnknownIntent = 4,
}

/// <summary>A boarding pass, issued once when a check-in completes.</summary>
/// <param name="Bcbp">The IATA Bar Coded Boarding Pass string (Resolution 792, format "M", one leg).</param>
[GenerateSerializer, Immutable, Alias("checkin.BoardingPass")]
public sealed record BoardingPass(
    [property: Id(0)] string FlightId,
    [property: Id(1)] string PassengerId,
    [property: Id(2)] string Pnr,
    [property: Id(3)] string FirstName,
    [property: Id(4)] string LastName,
    [property: Id(5)] string Origin,
    [property: Id(6)] string Destination,
    [property: Id(7)] DateTimeOffset Departure,
    [property: Id(8)] DateTimeOffset BoardingTime,
    [property: Id(9)] string SeatNumber,
    [property: Id(10)] Cabin Cabin,
    [property: Id(11)] int SequenceNumber,
    [property: Id(12)] string Bcbp,
    [property: Id(13)] DateTimeOffset IssuedAt,
    [property: Id(14)] int Bags = 0);

/// <summary>One passenger's check-in for one flight, as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("checkin.CheckInView")]
public sealed record CheckInView(
    [property: Id(0)] string FlightId,
    [property: Id(1)] string PassengerId,
    [property: Id(2)] CheckInStatus Status,
    [property: Id(3)] string? SeatNumber,
    [property: Id(4)] BoardingPass? BoardingPass,
    [property: Id(5)] IReadOnlyList<CheckInAction> AllowedActions,
    [property: Id(6)] DateTimeOffset OpensAt,
    [property: Id(7)] DateTimeOffset ClosesAt,
    [property: Id(8)] long Version,
    [property: Id(9)] DateTimeOffset? UpdatedAt,
    [property: Id(10)] string? CancellationReason,
    [property: Id(11)] IReadOnlyList<CheckedBag> Bags,
    [property: Id(12)] IReadOnlyList<PaymentIntent> Payments)
{
    /// <summary>The latest payment intent, if any.</summary>
    public PaymentIntent? Payment => Payments.Count == 0 ? null : Payments[^1];
}

/// <summary>One recorded check-in transition: who did what, why and when.</summary>
[GenerateSerializer, Immutable, Alias("checkin.CheckInAuditEvent")]
public sealed record CheckInAuditEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string FlightId,
    [property: Id(2)] string PassengerId,
    [property: Id(3)] string Action,
    [property: Id(4)] CheckInStatus From,
    [property: Id(5)] CheckInStatus To,
    [property: Id(6)] string? SeatNumber,
    [property: Id(7)] string Actor,
    [property: Id(8)] string Reason,
    [property: Id(9)] DateTimeOffset At,
    [property: Id(10)] string CorrelationId,
    [property: Id(11)] long Version);
