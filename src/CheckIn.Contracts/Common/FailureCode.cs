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
}

/// <summary>An expected failure: a code, a human-readable detail and, where one input caused it, that input's name.</summary>
[GenerateSerializer, Immutable, Alias("checkin.Error")]
public sealed record Error(
    [property: Id(0)] FailureCode Code,
    [property: Id(1)] string Detail,
    [property: Id(2)] string? Field = null);
