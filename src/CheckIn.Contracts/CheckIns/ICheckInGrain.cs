using CheckIn.Contracts.Common;

namespace CheckIn.Contracts.CheckIns;

/// <summary>
/// One passenger's check-in on one flight (key <c>{flightId}/{passengerId}</c>). Owns the journey's state machine;
/// seats are still owned by the seat grains and reached through the passenger's seat grain. Every command is
/// idempotent: repeating it in the state it produced answers that state again without a second transition.
/// </summary>
public interface ICheckInGrain : IGrainWithStringKey
{
    Task<Result<CheckInView>> GetAsync();

    /// <summary>NOT_STARTED or CANCELLED → IN_PROGRESS, inside the check-in window.</summary>
    Task<Result<CheckInView>> StartAsync(CommandContext context);

    /// <summary>
    /// IN_PROGRESS → COMPLETED: confirms the passenger's held seat, or assigns a free one in their cabin (window and
    /// aisle before middle), and issues the boarding pass.
    /// </summary>
    Task<Result<CheckInView>> CompleteAsync(CommandContext context);

    /// <summary>Any started state → CANCELLED before departure; releases the seat, voids an unpaid intent, records why.</summary>
    Task<Result<CheckInView>> CancelAsync(string reason, CommandContext context);

    /// <summary>
    /// Weighs the bag (Weight service) and adds it; an overweight bag creates a payment intent for the unpaid fees
    /// and moves IN_PROGRESS → WAITING_FOR_PAYMENT. Adding a bag tag already added answers the current state.
    /// </summary>
    Task<Result<CheckInView>> AddBagAsync(string bagTag, CommandContext context);

    /// <summary>A new payment intent for the unpaid fees, after the previous one failed or was cancelled.</summary>
    Task<Result<CheckInView>> RetryPaymentAsync(CommandContext context);

    /// <summary>Applies a verified payment webhook event once per event id; terminal intent states never change.</summary>
    Task<Result<PaymentEventOutcome>> ApplyPaymentEventAsync(PaymentEvent paymentEvent, CommandContext context);

    /// <summary>
    /// The waitlist moved the checked-in passenger to another seat (called by the waitlist after the move): a
    /// COMPLETED check-in whose passenger now has <paramref name="seatNumber"/> gets its boarding pass reissued for it
    /// (same sequence number), audited as SEAT_CHANGED. Anything else — a repeat, a check-in no longer completed, a
    /// seat the passenger does not have — changes nothing.
    /// </summary>
    Task<Result<CheckInView>> SeatReassignedAsync(string seatNumber, CommandContext context);
}

/// <summary>What a payment event did, and the check-in after it.</summary>
[GenerateSerializer, Immutable, Alias("checkin.PaymentEventOutcome")]
public sealed record PaymentEventOutcome([property: Id(0)] PaymentEventEffect Effect, [property: Id(1)] CheckInView CheckIn);

/// <summary>Hands out a flight's check-in sequence numbers (key: flight id), 1, 2, 3, ... never twice.</summary>
public interface ICheckInSequenceGrain : IGrainWithStringKey
{
    Task<int> NextAsync();
}
