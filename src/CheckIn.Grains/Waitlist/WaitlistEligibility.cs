using System.Text.Json;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;

namespace CheckIn.Grains.Waitlist;

/// <summary>
/// Who may join a flight's waitlist, as pure functions of the flight, the booking, the passengers' seats and the
/// line; the waitlist grain gathers those facts and asks, in this order: <see cref="Booked"/>, <see cref="RowWidth"/>,
/// <see cref="AlreadyMet"/>, <see cref="AlreadyWaitlisted"/>. A refusal is a value naming the request field that
/// caused it: a join's passengers are the request's <c>passengerId</c> first, then its <c>togetherWith</c> in order.
/// </summary>
internal static class WaitlistEligibility
{
    /// <summary>The request field that named the join's passenger at <paramref name="index"/>.</summary>
    public static string FieldOf(int index) => index == 0 ? "passengerId" : $"togetherWith[{index - 1}]";

    /// <summary>
    /// The cabin the entry waits for (the one asked for, or the first passenger's booked cabin), or why the booking
    /// does not allow it: NOT_ON_FLIGHT (a passenger not on the booking, or the booking not on the flight), or
    /// CABIN_NOT_BOOKED (a passenger booked another cabin).
    /// </summary>
    public static (Cabin Cabin, Error? Refusal) Booked(FlightInfo flight, BookingInfo? booking, IReadOnlyList<string> passengerIds, Cabin? asked)
    {
        var onFlight = booking is not null && booking.Flights.Any(f => f.FlightId == flight.FlightId);
        var booked = new List<Passenger>(passengerIds.Count);
        for (var i = 0; i < passengerIds.Count; i++)
        {
            if (!onFlight || booking!.Passengers.FirstOrDefault(p => p.PassengerId == passengerIds[i]) is not { } passenger)
            {
                return (default, new Error(FailureCode.NotOnFlight, $"Passenger {passengerIds[i]} is not booked on flight {flight.FlightId}.", FieldOf(i)));
            }
            booked.Add(passenger);
        }
        var cabin = asked ?? booked[0].Cabin;
        for (var i = 0; i < booked.Count; i++)
        {
            if (booked[i].Cabin != cabin)
            {
                // Without a cabin in the request it is the group member who differs from the passenger.
                return (cabin, new Error(FailureCode.CabinNotBooked,
                    $"Passenger {booked[i].PassengerId} booked {CodeOf(booked[i].Cabin)}; a waitlist entry waits for a seat in the booked cabin ({CodeOf(cabin)} was asked).",
                    asked is null ? FieldOf(i) : "cabin"));
            }
        }
        return (cabin, null);
    }

    /// <summary>A group that cannot sit in one row of its cabin (more passengers than its widest row has seats).</summary>
    public static Error? RowWidth(FlightInfo flight, int passengers, Cabin cabin)
    {
        var widestRow = flight.Definition.Layout.Cabins.Where(c => c.Cabin == cabin).Select(c => c.Columns.Count(ch => ch != '_')).DefaultIfEmpty(0).Max();
        return passengers > 1 && passengers > widestRow
            ? new Error(FailureCode.ValidationFailed,
                $"A group of {passengers} cannot sit in one row of {CodeOf(cabin)} on flight {flight.FlightId} (at most {widestRow} seats a row).", "togetherWith")
            : null;
    }

    /// <summary>
    /// PREFERENCE_ALREADY_MET: a single passenger whose seat (held or confirmed, checked in or not) is in the cabin and
    /// suits the position, or a group already sitting in one row of the cabin. <paramref name="seats"/> are the
    /// passengers' seats as their grains report them, in passenger order (null: no seat).
    /// </summary>
    public static Error? AlreadyMet(FlightInfo flight, IReadOnlyList<string> passengerIds, IReadOnlyList<SeatSnapshot?> seats, Cabin cabin, SeatPreference position)
    {
        var placed = seats.Select(s => s is null ? null : flight.FindSeat(s.SeatNumber)).ToList();
        if (placed.Any(s => s is null || s.Cabin != cabin))
        {
            return null;
        }
        if (passengerIds.Count == 1)
        {
            return WaitlistRules.Suits(placed[0]!, position)
                ? new Error(FailureCode.PreferenceAlreadyMet,
                    $"Passenger {passengerIds[0]} already has seat {placed[0]!.SeatNumber} in {CodeOf(cabin)}, which suits {CodeOf(position)}.", "position")
                : null;
        }
        return placed.Select(s => s!.Row).Distinct().Count() == 1
            ? new Error(FailureCode.PreferenceAlreadyMet, $"The passengers already sit together in row {placed[0]!.Row} of {CodeOf(cabin)}.", "togetherWith")
            : null;
    }

    /// <summary>
    /// ALREADY_WAITLISTED: a passenger of the join waits in another entry (one with other passengers). Joining with
    /// exactly the passengers of a waiting entry is a repeat, not a refusal.
    /// </summary>
    public static Error? AlreadyWaitlisted(IEnumerable<WaitlistEntry> entries, IReadOnlyList<string> passengerIds)
    {
        var waiting = entries.Where(e => e.Status == WaitlistStatus.Waiting).ToList();
        var ids = passengerIds.Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < passengerIds.Count; i++)
        {
            if (waiting.FirstOrDefault(e => e.PassengerIds.Contains(passengerIds[i], StringComparer.Ordinal)) is { } other
                && !other.PassengerIds.Order(StringComparer.Ordinal).SequenceEqual(ids))
            {
                return new Error(FailureCode.AlreadyWaitlisted,
                    $"Passenger {passengerIds[i]} is already waiting in entry {other.Sequence} (with {string.Join(", ", other.PassengerIds)}); leave it first.", FieldOf(i));
            }
        }
        return null;
    }

    /// <summary>An enum value as the API writes it (UPPER_SNAKE_CASE), for refusal details.</summary>
    private static string CodeOf<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());
}
