using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Waitlist;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

/// <summary>A passenger of a join request and the request field that named them.</summary>
internal sealed record NamedPassenger(string Id, string Field);

/// <summary>A join request that passed validation: passengers (the passenger first), the cabin asked for, the position.</summary>
internal sealed record ValidJoin(IReadOnlyList<NamedPassenger> Passengers, Cabin? Cabin, SeatPreference Position);

/// <summary>
/// Who may join a waitlist, checked before the waitlist grain is asked (it trusts its caller on these): the request's
/// shape, then per passenger the booking, the booked cabin, the check-in and the seat they already have.
/// </summary>
internal static class WaitlistEligibility
{
    public static (ValidJoin? Join, ProblemHttpResult? Problem) Validate(JoinWaitlistRequest? request)
    {
        if (string.IsNullOrWhiteSpace(request?.PassengerId))
        {
            return (null, Problems.Validation("passengerId", "passengerId is required."));
        }
        Cabin? cabin = null;
        if (request.Cabin is not null)
        {
            if (!TryParse<Cabin>(request.Cabin, out var parsed))
            {
                return (null, Problems.Validation("cabin", $"cabin must be one of {Names<Cabin>()}."));
            }
            cabin = parsed;
        }
        var position = SeatPreference.Any;
        if (request.Position is not null && !TryParse(request.Position, out position))
        {
            return (null, Problems.Validation("position", $"position must be one of {Names<SeatPreference>()}."));
        }
        var passengers = new List<NamedPassenger> { new(request.PassengerId, "passengerId") };
        var others = request.TogetherWith ?? [];
        for (var i = 0; i < others.Count; i++)
        {
            var field = $"togetherWith[{i}]";
            var id = others[i];
            if (string.IsNullOrWhiteSpace(id))
            {
                return (null, Problems.Validation(field, "A passenger id must not be blank."));
            }
            if (id == request.PassengerId)
            {
                return (null, Problems.Validation(field, $"togetherWith lists the other passengers; {id} is the passenger joining."));
            }
            if (passengers.Any(p => p.Id == id))
            {
                return (null, Problems.Validation(field, $"Passenger {id} is named twice."));
            }
            passengers.Add(new NamedPassenger(id, field));
        }
        return (new ValidJoin(passengers, cabin, position), null);
    }

    /// <summary>
    /// The cabin the entry waits for (the one asked for, or the passenger's booked cabin), or why nobody of the group
    /// may join: NOT_ON_FLIGHT, CABIN_NOT_BOOKED, or PREFERENCE_ALREADY_MET (a single passenger whose seat — checked in
    /// or not — already suits, or a group already sitting in one row). A checked-in passenger may wait for a better seat:
    /// the waitlist moves them and has the boarding pass reissued.
    /// </summary>
    public static async Task<(Cabin Cabin, ProblemHttpResult? Problem)> CheckAsync(
        FlightInfo flight, BookingInfo? booking, IReadOnlyList<NamedPassenger> passengers, Cabin? asked, SeatPreference position, IGrainFactory grains)
    {
        var onFlight = booking is not null && booking.Flights.Any(f => f.FlightId == flight.FlightId);
        var booked = new List<Passenger>(passengers.Count);
        foreach (var (id, field) in passengers)
        {
            if (!onFlight || booking!.Passengers.FirstOrDefault(p => p.PassengerId == id) is not { } passenger)
            {
                return (default, Problems.From(new Error(FailureCode.NotOnFlight, $"Passenger {id} is not booked on flight {flight.FlightId}.", field)));
            }
            booked.Add(passenger);
        }

        var cabin = asked ?? booked[0].Cabin;
        for (var i = 0; i < booked.Count; i++)
        {
            if (booked[i].Cabin != cabin)
            {
                // Without a cabin in the request it is the group member who differs from the passenger.
                return (cabin, Problems.From(new Error(FailureCode.CabinNotBooked,
                    $"Passenger {booked[i].PassengerId} booked {Problems.CodeOf(booked[i].Cabin)}; a waitlist entry waits for a seat in the booked cabin ({Problems.CodeOf(cabin)} was asked).",
                    asked is null ? passengers[i].Field : "cabin")));
            }
        }

        var widestRow = flight.Definition.Layout.Cabins.Where(c => c.Cabin == cabin).Select(c => c.Columns.Count(ch => ch != '_')).DefaultIfEmpty(0).Max();
        if (passengers.Count > 1 && passengers.Count > widestRow)
        {
            return (cabin, Problems.Validation("togetherWith",
                $"A group of {passengers.Count} cannot sit in one row of {Problems.CodeOf(cabin)} on flight {flight.FlightId} (at most {widestRow} seats a row)."));
        }

        if (passengers.Count == 1 && await SatisfyingSeatAsync(flight, passengers[0].Id, cabin, position, grains) is { } seat)
        {
            return (cabin, Problems.From(new Error(FailureCode.PreferenceAlreadyMet,
                $"Passenger {passengers[0].Id} already has seat {seat} in {Problems.CodeOf(cabin)}, which suits {Problems.CodeOf(position)}.", "position")));
        }
        if (passengers.Count > 1 && await SameRowAsync(flight, passengers, cabin, grains) is { } row)
        {
            return (cabin, Problems.From(new Error(FailureCode.PreferenceAlreadyMet,
                $"The passengers already sit together in row {row} of {Problems.CodeOf(cabin)}.", "togetherWith")));
        }
        return (cabin, null);
    }

    /// <summary>The row every passenger of the group already has a seat in (in the cabin), or null.</summary>
    private static async Task<int?> SameRowAsync(FlightInfo flight, IReadOnlyList<NamedPassenger> passengers, Cabin cabin, IGrainFactory grains)
    {
        var seats = await Task.WhenAll(passengers.Select(p => grains.GetPassengerSeatGrain(flight.FlightId, p.Id).GetSeatNumberAsync()));
        var rows = seats.Select(s => s is null ? null : flight.FindSeat(s)).ToList();
        return rows.All(r => r is not null && r.Cabin == cabin) && rows.Select(r => r!.Row).Distinct().Count() == 1 ? rows[0]!.Row : null;
    }

    /// <summary>The seat the passenger holds or has confirmed, if it is in the cabin and suits the position.</summary>
    private static async Task<string?> SatisfyingSeatAsync(FlightInfo flight, string passengerId, Cabin cabin, SeatPreference position, IGrainFactory grains)
    {
        var seatNumber = await grains.GetPassengerSeatGrain(flight.FlightId, passengerId).GetSeatNumberAsync();
        if (seatNumber is null || flight.FindSeat(seatNumber) is not { } seat || seat.Cabin != cabin || !WaitlistRules.Suits(seat, position))
        {
            return null;
        }
        // The seat grain has the last word (a hold may just have expired).
        var snapshot = await grains.GetSeatGrain(flight.FlightId, seatNumber).GetAsync();
        return snapshot.IsSuccess && snapshot.Value.PassengerId == passengerId && snapshot.Value.Status is SeatStatus.Held or SeatStatus.Confirmed
            ? seatNumber
            : null;
    }

    private static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Problems.CodeOf(candidate), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string Names<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(v => Problems.CodeOf(v)));
}
