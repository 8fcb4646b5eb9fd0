using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;

namespace CheckIn.Contracts.Bookings;

/// <summary>A passenger's name as the airline booked it.</summary>
[GenerateSerializer, Immutable, Alias("checkin.PassengerName")]
public sealed record PassengerName(
    [property: Id(0)] string FirstName,
    [property: Id(1)] string LastName,
    [property: Id(2)] Cabin Cabin = Cabin.Economy);

/// <summary>What the admin API creates: a PNR with passengers on flights.</summary>
[GenerateSerializer, Immutable, Alias("checkin.BookingDefinition")]
public sealed record BookingDefinition(
    [property: Id(0)] string Pnr,
    [property: Id(1)] IReadOnlyList<PassengerName> Passengers,
    [property: Id(2)] IReadOnlyList<string> FlightIds);

/// <summary>A passenger on a booking. Passenger ids are <c>{PNR}-{n}</c>, unique across the airline.</summary>
[GenerateSerializer, Immutable, Alias("checkin.Passenger")]
public sealed record Passenger(
    [property: Id(0)] string PassengerId,
    [property: Id(1)] string FirstName,
    [property: Id(2)] string LastName,
    [property: Id(3)] Cabin Cabin = Cabin.Economy);

/// <summary>A flight on a booking.</summary>
[GenerateSerializer, Immutable, Alias("checkin.BookedFlight")]
public sealed record BookedFlight([property: Id(0)] string FlightId, [property: Id(1)] DateTimeOffset Departure);

/// <summary>A created booking.</summary>
[GenerateSerializer, Immutable, Alias("checkin.BookingInfo")]
public sealed record BookingInfo(
    [property: Id(0)] string Pnr,
    [property: Id(1)] IReadOnlyList<Passenger> Passengers,
    [property: Id(2)] IReadOnlyList<BookedFlight> Flights,
    [property: Id(3)] DateTimeOffset CreatedAt)
{
    /// <summary>
    /// True when <paramref name="lastName"/> is the last name of a passenger on this booking, ignoring case and
    /// surrounding spaces.
    /// </summary>
    public bool HasLastName(string lastName)
    {
        var wanted = lastName.Trim();
        return Passengers.Any(p => string.Equals(p.LastName.Trim(), wanted, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>One booking (keyed by PNR).</summary>
public interface IBookingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the booking; every flight must exist. The same definition again returns the existing booking;
    /// a different one fails with <see cref="CheckIn.Contracts.Common.FailureCode.BookingExists"/>.
    /// </summary>
    Task<Result<BookingInfo>> CreateAsync(BookingDefinition definition);

    /// <summary>The booking, or null when it was never created.</summary>
    Task<BookingInfo?> GetAsync();
}
