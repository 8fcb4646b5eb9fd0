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
    [property: Id(13)] DateTimeOffset IssuedAt);

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
    [property: Id(10)] string? CancellationReason);

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
