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

    /// <summary>HELD or CONFIRMED → AVAILABLE by the owner. Repeating it returns the same result.</summary>
    Task<Result<SeatSnapshot>> ReleaseAsync(string passengerId, CommandContext context);

    /// <summary>
    /// Releases the hold if its expiry has passed; otherwise does nothing. One-way so that the seat map grain can
    /// nudge seats without waiting on them (the seat in turn notifies the map one-way: no call cycle).
    /// </summary>
    [OneWay]
    Task ExpireIfDueAsync();
}
