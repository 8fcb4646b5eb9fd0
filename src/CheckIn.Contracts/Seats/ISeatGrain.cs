using Orleans.Concurrency;
using CheckIn.Contracts.Common;

namespace CheckIn.Contracts.Seats;

/// <summary>
/// One seat of one flight (key <c>{flightId}/{seatNumber}</c>, see <see cref="GrainKeys"/>). It alone moves the
/// seat between AVAILABLE, HELD and CONFIRMED, one command at a time, and writes state and audit before answering.
/// Passengers reach it through <see cref="IPassengerSeatGrain"/>, which keeps the one-seat-per-passenger rule.
/// </summary>
public interface ISeatGrain : IGrainWithStringKey
{
    /// <summary>The seat now, with any hold past its expiry already released.</summary>
    Task<Result<SeatSnapshot>> GetAsync();

    /// <summary>
    /// AVAILABLE → HELD for the passenger. Repeating it while the passenger holds the seat returns the same hold
    /// (never extends it). Held or confirmed by someone else, or blocked → <see cref="CheckIn.Contracts.Common.FailureCode.SeatUnavailable"/>.
    /// </summary>
    Task<Result<SeatSnapshot>> HoldAsync(string passengerId, CommandContext context);

    /// <summary>
    /// HELD → CONFIRMED by the holder. Past the hold's expiry → <see cref="CheckIn.Contracts.Common.FailureCode.HoldExpired"/>, whatever the
    /// timers did; someone else's seat → <see cref="CheckIn.Contracts.Common.FailureCode.NotHolder"/>. Repeating it returns the same result.
    /// </summary>
    Task<Result<SeatSnapshot>> ConfirmAsync(string passengerId, CommandContext context);

    /// <summary>
    /// HELD or CONFIRMED → AVAILABLE by the owner (OFFERED in the same write when passengers of its cabin wait).
    /// Repeating it succeeds again with the seat as it is now — AVAILABLE, or OFFERED to the waitlist — as long as
    /// nobody else has held or been assigned the seat since; after that → NOT_HOLDER.
    /// </summary>
    Task<Result<SeatSnapshot>> ReleaseAsync(string passengerId, CommandContext context);

    /// <summary>
    /// The waitlist reserves a free seat for itself (AVAILABLE → offered): from now on only
    /// <see cref="AssignFromWaitlistAsync"/> or <see cref="EndOfferAsync"/> change it. A seat already offered
    /// answers the same; a held, confirmed or blocked one → SEAT_UNAVAILABLE.
    /// </summary>
    Task<Result<SeatSnapshot>> ClaimForWaitlistAsync(CommandContext context);

    /// <summary>
    /// Offered → CONFIRMED for the passenger the waitlist chose (called by that passenger's seat grain). Repeating it
    /// returns the same seat; a seat not offered to the waitlist → SEAT_UNAVAILABLE.
    /// </summary>
    Task<Result<SeatSnapshot>> AssignFromWaitlistAsync(string passengerId, CommandContext context);

    /// <summary>Nobody in line wants the seat: offered → AVAILABLE to anyone. Does nothing to a seat not offered.</summary>
    Task<Result<SeatSnapshot>> EndOfferAsync(CommandContext context);

    /// <summary>An operator blocks a free seat (→ BLOCKED). Held or confirmed → SEAT_OCCUPIED. Repeats are no-ops.</summary>
    Task<Result<SeatSnapshot>> BlockAsync(CommandContext context);

    /// <summary>An operator unblocks a seat: it becomes free and is offered to the waitlist first. Repeats are no-ops.</summary>
    Task<Result<SeatSnapshot>> UnblockAsync(CommandContext context);

    /// <summary>
    /// Releases the hold if its expiry has passed; otherwise re-sends the seat's state to the map (whoever nudged it
    /// saw a hold past its expiry, so its copy missed a notification). One-way so that the seat map grain can nudge
    /// seats without waiting on them (the seat in turn notifies the map one-way: no call cycle).
    /// </summary>
    [OneWay]
    Task ExpireIfDueAsync();

    /// <summary>
    /// The flight's backstop (<see cref="IHoldBackstopGrain"/>) found this seat held past its expiry or offered to the
    /// waitlist: expire the hold if due, offer an offered seat to the waitlist again. One-way, like
    /// <see cref="ExpireIfDueAsync"/>: the seat calls the backstop (<see cref="IHoldBackstopGrain.ArmAsync"/>), never the
    /// other way round with a wait.
    /// </summary>
    [OneWay]
    Task BackstopAsync();
}
