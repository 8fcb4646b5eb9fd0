using CheckIn.Contracts.Flights;

namespace CheckIn.Contracts.Waitlist;

/// <summary>Which seats of the cabin a waitlisted passenger accepts.</summary>
public enum SeatPreference
{
    Any = 1,
    Window = 2,
    Aisle = 3,
}

/// <summary>Where a waitlist entry stands.</summary>
public enum WaitlistStatus
{
    /// <summary>In line.</summary>
    Waiting = 1,
    /// <summary>Served: every passenger of the entry has a CONFIRMED seat (<see cref="WaitlistEntry.AssignedSeats"/>).</summary>
    Assigned = 2,
    /// <summary>Left the line (the passenger asked, or checked in meanwhile).</summary>
    Left = 3,
    /// <summary>Check-in closed before a seat was found.</summary>
    Expired = 4,
}

/// <summary>
/// One place in a flight's waitlist: a passenger, or passengers of one booking who want to sit together (served
/// all at once or not at all). <see cref="Sequence"/> is the order of joining: first come, first served.
/// </summary>
/// <param name="PlaceInLine">1 for the first WAITING entry of the cabin; null unless WAITING (filled in on reads).</param>
/// <param name="Reason">Why the entry ended (LEFT, EXPIRED) or how it was served.</param>
[GenerateSerializer, Immutable, Alias("checkin.WaitlistEntry")]
public sealed record WaitlistEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Pnr,
    [property: Id(2)] IReadOnlyList<string> PassengerIds,
    [property: Id(3)] Cabin Cabin,
    [property: Id(4)] SeatPreference Position,
    [property: Id(5)] WaitlistStatus Status,
    [property: Id(6)] IReadOnlyList<string> AssignedSeats,
    [property: Id(7)] DateTimeOffset JoinedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] int? PlaceInLine = null,
    [property: Id(10)] string? Reason = null,
    [property: Id(11)] long Version = 1)
{
    /// <summary>A group wants adjacent or same-row seats for all its passengers.</summary>
    public bool Together => PassengerIds.Count > 1;
}

/// <summary>Seats found for a waitlist entry: one per passenger, in the entry's passenger order.</summary>
[GenerateSerializer, Immutable, Alias("checkin.WaitlistMatch")]
public sealed record WaitlistMatch(
    [property: Id(0)] WaitlistEntry Entry,
    [property: Id(1)] IReadOnlyList<string> Seats);

/// <summary>
/// A request to join a flight's waitlist: the booking, its passengers (the one joining first, then those to sit with,
/// in request order: refusals name <c>passengerId</c> or <c>togetherWith[i]</c> by that order), the cabin asked for
/// (null: the first passenger's booked cabin) and the position. The caller has checked the session's rights and the
/// request's shape only; the waitlist decides the rest (booking, cabin, row width, preference met, already waiting).
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.WaitlistJoin")]
public sealed record WaitlistJoin(
    [property: Id(0)] string Pnr,
    [property: Id(1)] IReadOnlyList<string> PassengerIds,
    [property: Id(2)] Cabin? Cabin,
    [property: Id(3)] SeatPreference Position);

/// <summary>The audit record of a waitlist transition (JOINED, ASSIGNED, LEFT, EXPIRED).</summary>
[GenerateSerializer, Immutable, Alias("checkin.WaitlistAuditEvent")]
public sealed record WaitlistAuditEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string FlightId,
    [property: Id(2)] long EntrySequence,
    [property: Id(3)] string Pnr,
    [property: Id(4)] IReadOnlyList<string> PassengerIds,
    [property: Id(5)] string Action,
    [property: Id(6)] IReadOnlyList<string> Seats,
    [property: Id(7)] string Actor,
    [property: Id(8)] string Reason,
    [property: Id(9)] DateTimeOffset At,
    [property: Id(10)] string CorrelationId);

/// <summary>What a passenger is told: SEAT_ASSIGNED, WAITLIST_JOINED, WAITLIST_LEFT, WAITLIST_EXPIRED.</summary>
/// <param name="Id">Unique; the inbox ignores an id it already has (delivery is retried after a crash).</param>
[GenerateSerializer, Immutable, Alias("checkin.PassengerNotification")]
public sealed record PassengerNotification(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string FlightId,
    [property: Id(3)] string Pnr,
    [property: Id(4)] IReadOnlyList<string> PassengerIds,
    [property: Id(5)] IReadOnlyList<string> Seats,
    [property: Id(6)] long EntrySequence,
    [property: Id(7)] string Message,
    [property: Id(8)] DateTimeOffset At);

/// <summary>A notification as stored in an inbox: <see cref="Sequence"/> orders a session's notifications (SSE event id).</summary>
[GenerateSerializer, Immutable, Alias("checkin.StoredNotification")]
public sealed record StoredNotification(
    [property: Id(0)] long Sequence,
    [property: Id(1)] PassengerNotification Notification);

/// <summary>Notification types.</summary>
public static class NotificationTypes
{
    public const string SeatAssigned = "SEAT_ASSIGNED";
    public const string WaitlistJoined = "WAITLIST_JOINED";
    public const string WaitlistLeft = "WAITLIST_LEFT";
    public const string WaitlistExpired = "WAITLIST_EXPIRED";
}
