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
    Waiting = 1,
    Assigned = 2,
    Left = 3,
    Expired = 4,
}

/// <summary>
/// One place in a flight's waitlist: a passenger, or passengers of one booking who want to sit together (served
/// all at once or not at all). <see cref="Sequence"/> is the order of joining: first come, first served.
/// </summary>
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
    [property: Id(8)] DateTimeOffset UpdatedAt)
{
    /// <summary>A group wants adjacent or same-row seats for all its passengers.</summary>
    public bool Together => PassengerIds.Count > 1;
}

/// <summary>Seats found for a waitlist entry: one per passenger, in the entry's passenger order.</summary>
[GenerateSerializer, Immutable, Alias("checkin.WaitlistMatch")]
public sealed record WaitlistMatch(
    [property: Id(0)] WaitlistEntry Entry,
    [property: Id(1)] IReadOnlyList<string> Seats);
