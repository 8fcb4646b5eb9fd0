namespace CheckIn.Contracts.Seats;

/// <summary>Where a seat is in its lifecycle.</summary>
public enum SeatStatus
{
    /// <summary>Free to hold.</summary>
    Available = 1,
    /// <summary>Held by one passenger until <see cref="SeatSnapshot.HoldExpiresAt"/>.</summary>
    Held = 2,
    /// <summary>Confirmed for one passenger.</summary>
    Confirmed = 3,
    /// <summary>Blocked by the airline; never holdable.</summary>
    Blocked = 4,
    /// <summary>
    /// Just freed and reserved for the flight's waitlist, which assigns it to the first passenger in line it suits
    /// or hands it back (AVAILABLE) — usually within milliseconds. Not holdable meanwhile.
    /// </summary>
    Offered = 5,
}

/// <summary>A seat's state as its grain last committed it.</summary>
/// <param name="Version">Grows by one with every transition; never decreases, survives restarts.</param>
[GenerateSerializer, Immutable, Alias("checkin.SeatSnapshot")]
public sealed record SeatSnapshot(
    [property: Id(0)] string FlightId,
    [property: Id(1)] string SeatNumber,
    [property: Id(2)] SeatStatus Status,
    [property: Id(3)] string? PassengerId,
    [property: Id(4)] DateTimeOffset? HoldExpiresAt,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset UpdatedAt);

/// <summary>The audit record of one seat transition.</summary>
[GenerateSerializer, Immutable, Alias("checkin.SeatAuditEvent")]
public sealed record SeatAuditEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string FlightId,
    [property: Id(2)] string SeatNumber,
    [property: Id(3)] SeatStatus From,
    [property: Id(4)] SeatStatus To,
    [property: Id(5)] string? PassengerId,
    [property: Id(6)] string Actor,
    [property: Id(7)] string Reason,
    [property: Id(8)] DateTimeOffset At,
    [property: Id(9)] string CorrelationId,
    [property: Id(10)] long SeatVersion);
