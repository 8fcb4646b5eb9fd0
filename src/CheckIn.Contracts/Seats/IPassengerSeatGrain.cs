using CheckIn.Contracts.Common;

namespace CheckIn.Contracts.Seats;

/// <summary>
/// One passenger on one flight (key <c>{flightId}/{passengerId}</c>). It owns the rule "at most one seat per
/// passenger per flight": every hold, confirm and release of that passenger goes through it, one at a time, and
/// holding a new seat releases the previous one. Seat state itself stays with <see cref="ISeatGrain"/>.
/// </summary>
public interface IPassengerSeatGrain : IGrainWithStringKey
{
    /// <summary>Holds the seat for this passenger and then releases the seat they had before, if any.</summary>
    Task<Result<SeatSnapshot>> HoldAsync(string seatNumber, CommandContext context);

    /// <summary>Confirms the passenger's current hold on that seat.</summary>
    Task<Result<SeatSnapshot>> ConfirmAsync(string seatNumber, CommandContext context);

    /// <summary>Releases the passenger's hold or confirmed seat.</summary>
    Task<Result<SeatSnapshot>> ReleaseAsync(string seatNumber, CommandContext context);

    /// <summary>
    /// Check-in's confirmation: confirms the seat and locks the passenger's seat for the boarding pass — from now on
    /// the passenger's own hold, confirm and release answer CHECKIN_COMPLETED until <see cref="ReleaseForCheckInAsync"/>.
    /// </summary>
    Task<Result<SeatSnapshot>> ConfirmForCheckInAsync(string seatNumber, CommandContext context);

    /// <summary>Check-in's cancellation: lifts the lock and releases the seat (if it is still the passenger's).</summary>
    Task<Result<SeatSnapshot>> ReleaseForCheckInAsync(string seatNumber, CommandContext context);

    /// <summary>
    /// The waitlist's assignment: the seat (offered to the waitlist) becomes CONFIRMED for this passenger and the
    /// passenger's previous seat, if any, is released (and in turn offered to the line). A checked-in passenger is
    /// moved too — their seat stays locked by the check-in, now on the new seat — and the answer says so, for the
    /// waitlist to have the boarding pass reissued. Repeating it returns the same seat.
    /// </summary>
    Task<Result<WaitlistSeatAssignment>> AssignFromWaitlistAsync(string seatNumber, CommandContext context);

    /// <summary>The seat number the passenger holds or has confirmed on this flight, or null.</summary>
    Task<string?> GetSeatNumberAsync();

    /// <summary>
    /// The passenger's seat as its seat grain reports it now (HELD or CONFIRMED for this passenger), or null. Read
    /// through this grain, one command at a time, so it never shows the new seat of a move before the move is done,
    /// and always shows a command of this passenger that has answered: what <c>yourSeats</c> of the seat map reads.
    /// </summary>
    Task<SeatSnapshot?> GetSeatAsync();
}

/// <summary>A waitlist assignment's outcome: the seat, and whether the passenger's check-in is completed (locked).</summary>
[GenerateSerializer, Immutable, Alias("checkin.WaitlistSeatAssignment")]
public sealed record WaitlistSeatAssignment(
    [property: Id(0)] SeatSnapshot Seat,
    [property: Id(1)] bool CheckedIn);
