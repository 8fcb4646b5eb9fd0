namespace CheckIn.Contracts.Common;

/// <summary>
/// Stable, machine-readable reasons a command was refused. The Host maps each to an HTTP status and a
/// <c>code</c> string in exactly one place; the enum names are that string in UPPER_SNAKE_CASE.
/// Never renumber: the values travel in grain messages.
/// </summary>
public enum FailureCode
{
    /// <summary>The request was malformed or a field failed validation.</summary>
    ValidationFailed = 1,
    /// <summary>No flight with that id exists.</summary>
    FlightNotFound = 2,
    /// <summary>The flight has no seat with that number.</summary>
    SeatNotFound = 3,
    /// <summary>The seat is held or confirmed by someone else, or blocked by the airline.</summary>
    SeatUnavailable = 4,
    /// <summary>The caller does not hold (or own) the seat.</summary>
    NotHolder = 5,
    /// <summary>The caller's hold passed its expiry before the command arrived.</summary>
    HoldExpired = 6,
    /// <summary>A flight with that id already exists with a different definition.</summary>
    FlightExists = 7,
    /// <summary>A booking with that PNR already exists with a different definition.</summary>
    BookingExists = 8,

    /// <summary>Check-in has not opened yet for this flight (the error carries <c>opensAt</c>).</summary>
    CheckinNotOpen = 9,

    /// <summary>Check-in has closed for this flight.</summary>
    CheckinClosed = 10,

    /// <summary>The action needs a started check-in.</summary>
    CheckinNotStarted = 11,

    /// <summary>The check-in was cancelled; start it again first.</summary>
    CheckinCancelled = 12,

    /// <summary>The check-in waits for a payment; it cannot complete before the payment succeeded.</summary>
    PaymentRequired = 14,

    /// <summary>No free seat is left in the passenger's cabin.</summary>
    NoSeatAvailable = 15,

    /// <summary>The flight has departed.</summary>
    FlightDeparted = 16,

    /// <summary>The passenger is not on a booking for this flight.</summary>
    PassengerNotFound = 17,

    /// <summary>The check-in is completed; cancel it first to change it.</summary>
    CheckinCompleted = 18,

    /// <summary>The bag weighs more than the most that may be checked; it must be repacked.</summary>
    BagTooHeavy = 19,

    /// <summary>The passenger already has the most bags allowed.</summary>
    BagLimitReached = 20,

    /// <summary>The Weight service does not know this bag tag.</summary>
    UnknownBagTag = 21,

    /// <summary>The Weight service did not answer; nothing changed, retry later.</summary>
    WeightServiceUnavailable = 22,

    /// <summary>The payment provider did not answer; nothing changed, retry later.</summary>
    PaymentServiceUnavailable = 23,

    /// <summary>There is nothing to pay, or a payment is already waiting to be paid.</summary>
    PaymentNotRequired = 24,

    /// <summary>The passenger already has a seat that satisfies what they would wait for.</summary>
    PreferenceAlreadyMet = 25,

    /// <summary>The waitlist entry asks for a cabin the passenger did not book.</summary>
    CabinNotBooked = 26,

    /// <summary>The passenger is not booked on this flight.</summary>
    NotOnFlight = 27,

    /// <summary>The passenger has no waitlist entry on this flight.</summary>
    WaitlistEntryNotFound = 28,

    /// <summary>The waitlist entry is no longer waiting (assigned, left or expired): it cannot be left.</summary>
    WaitlistEntryClosed = 29,

    /// <summary>The passenger is already waiting in another entry (for example with other passengers of the booking).</summary>
    AlreadyWaitlisted = 30,

    /// <summary>The seat is held or confirmed by a passenger: only a free seat can be blocked.</summary>
    SeatOccupied = 31,

    /// <summary>The passenger held and let go of seats too often recently and may not hold one until the cooldown ends (the error carries <c>retryAt</c>).</summary>
    HoldCooldown = 32,
}

/// <summary>An expected failure: a code, a human-readable detail and, where one input caused it, that input's name.</summary>
[GenerateSerializer, Immutable, Alias("checkin.Error")]
public sealed record Error(
    [property: Id(0)] FailureCode Code,
    [property: Id(1)] string Detail,
    [property: Id(2)] string? Field = null,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Extensions = null);
