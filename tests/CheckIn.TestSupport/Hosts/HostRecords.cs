namespace CheckIn.TestSupport.Hosts;

// What the host-process tests create and read through CheckInApi's conveniences.

public sealed record TestBooking(string FlightId, string Pnr, string FirstPassenger, string SecondPassenger, string Token);

/// <summary>A booking's session and all its passenger ids, in booking order.</summary>
public sealed record TestSession(TestBooking Booking, IReadOnlyList<string> Passengers);

public sealed record SeatResult(string SeatNumber, string Status, string? PassengerId, DateTimeOffset? HoldExpiresAt);

public sealed record SeatMapSeat(string SeatNumber, string Status, DateTimeOffset? HoldExpiresAt);

public sealed record SeatMap(long Version, IReadOnlyList<SeatMapSeat> Seats);

public sealed record SeatEvent(Guid EventId, string SeatNumber, string From, string To, string? PassengerId, string Actor, string Reason, DateTimeOffset At, long SeatVersion);
