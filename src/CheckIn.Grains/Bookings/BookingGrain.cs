using System.Text.RegularExpressions;
using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;

namespace CheckIn.Grains.Bookings;

internal sealed class BookingState
{
    public BookingInfo? Booking { get; set; }
}

/// <summary>Owns one booking (PNR): its passengers and flights. Written once; idempotent create.</summary>
internal sealed partial class BookingGrain(
    [PersistentState("booking", StorageNames.Default)] IPersistentState<BookingState> state,
    TimeProvider time) : Grain, IBookingGrain
{
    public const int MaxPassengers = 9;
    public const int MaxFlights = 8;
    public const int MaxNameLength = 64;

    public async Task<Result<BookingInfo>> CreateAsync(BookingDefinition definition)
    {
        if (Validate(definition) is { } invalid)
        {
            return Result<BookingInfo>.Fail(invalid);
        }
        if (state.State.Booking is { } existing)
        {
            return Same(existing, definition)
                ? Result<BookingInfo>.Ok(existing)
                : Result<BookingInfo>.Fail(FailureCode.BookingExists, $"Booking {definition.Pnr} already exists with different passengers or flights.", "pnr");
        }

        var flights = new List<BookedFlight>(definition.FlightIds.Count);
        for (var i = 0; i < definition.FlightIds.Count; i++)
        {
            var flight = await GrainFactory.GetFlightGrain(definition.FlightIds[i]).GetAsync();
            if (flight is null)
            {
                return Result<BookingInfo>.Fail(FailureCode.FlightNotFound, $"Flight {definition.FlightIds[i]} does not exist.", $"flights[{i}]");
            }
            var cabins = flight.Definition.Layout.Cabins.Select(c => c.Cabin).ToHashSet();
            var missing = definition.Passengers.ToList().FindIndex(p => !cabins.Contains(p.Cabin));
            if (missing >= 0)
            {
                return Result<BookingInfo>.Fail(FailureCode.ValidationFailed,
                    $"Flight {flight.FlightId} has no {definition.Passengers[missing].Cabin} cabin.", $"passengers[{missing}].cabin");
            }
            flights.Add(new BookedFlight(flight.FlightId, flight.Definition.Departure));
        }
        var passengers = definition.Passengers
            .Select((p, i) => new Passenger($"{definition.Pnr}-{i + 1}", p.FirstName.Trim(), p.LastName.Trim(), p.Cabin))
            .ToList();
        state.State.Booking = new BookingInfo(definition.Pnr, passengers, flights, time.GetUtcNow());
        await state.WriteStateAsync();
        return Result<BookingInfo>.Ok(state.State.Booking);
    }

    public Task<BookingInfo?> GetAsync() => Task.FromResult(state.State.Booking);

    private Error? Validate(BookingDefinition definition)
    {
        if (!PnrPattern().IsMatch(definition.Pnr ?? "") || definition.Pnr != this.GetPrimaryKeyString())
        {
            return new Error(FailureCode.ValidationFailed, "pnr must be 6 upper-case letters or digits.", "pnr");
        }
        if (definition.Passengers is null || definition.Passengers.Count is 0 or > MaxPassengers)
        {
            return new Error(FailureCode.ValidationFailed, $"passengers must list 1 to {MaxPassengers} passengers.", "passengers");
        }
        for (var i = 0; i < definition.Passengers.Count; i++)
        {
            var p = definition.Passengers[i];
            if (!ValidName(p?.FirstName))
            {
                return new Error(FailureCode.ValidationFailed, $"passengers[{i}].firstName must be 1-{MaxNameLength} characters.", $"passengers[{i}].firstName");
            }
            if (!ValidName(p!.LastName))
            {
                return new Error(FailureCode.ValidationFailed, $"passengers[{i}].lastName must be 1-{MaxNameLength} characters.", $"passengers[{i}].lastName");
            }
            if (!Enum.IsDefined(p.Cabin))
            {
                return new Error(FailureCode.ValidationFailed, $"passengers[{i}].cabin is not a cabin.", $"passengers[{i}].cabin");
            }
        }
        if (definition.FlightIds is null || definition.FlightIds.Count is 0 or > MaxFlights
            || definition.FlightIds.Distinct(StringComparer.Ordinal).Count() != definition.FlightIds.Count)
        {
            return new Error(FailureCode.ValidationFailed, $"flights must list 1 to {MaxFlights} distinct flight ids.", "flights");
        }
        for (var i = 0; i < definition.FlightIds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(definition.FlightIds[i]))
            {
                return new Error(FailureCode.ValidationFailed, $"flights[{i}] must be a flight id.", $"flights[{i}]");
            }
        }
        return null;
    }

    private static bool ValidName(string? name) => name is not null && name.Trim().Length is > 0 and <= MaxNameLength;

    private static bool Same(BookingInfo existing, BookingDefinition definition) =>
        existing.Flights.Select(f => f.FlightId).SequenceEqual(definition.FlightIds)
        && existing.Passengers.Select(p => (p.FirstName, p.LastName, p.Cabin))
            .SequenceEqual(definition.Passengers.Select(p => (p.FirstName.Trim(), p.LastName.Trim(), p.Cabin)));

    [GeneratedRegex("^[A-Z0-9]{6}$")]
    private static partial Regex PnrPattern();
}
