using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class FlightAndBookingTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Creating_a_flight_again_with_the_same_definition_returns_the_existing_flight()
    {
        var flightId = SampleLayouts.NewFlightId();
        var definition = SampleLayouts.A320Flight(flightId);
        var first = await _grains.GetFlightGrain(flightId).CreateAsync(definition);

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(5));
        var copy = definition with
        {
            Layout = definition.Layout with
            {
                Cabins = [.. definition.Layout.Cabins],
                ExitRows = [.. definition.Layout.ExitRows],
                ExtraLegroomRows = [.. definition.Layout.ExtraLegroomRows],
                BlockedSeats = [.. definition.Layout.BlockedSeats],
                SkippedRows = [.. definition.Layout.SkippedRows],
            },
        };
        var second = await _grains.GetFlightGrain(flightId).CreateAsync(copy);

        Assert.True(first.IsSuccess, first.Error?.Detail);
        Assert.True(second.IsSuccess, second.Error?.Detail);
        Assert.Equal(first.Value.CreatedAt, second.Value.CreatedAt);
        Assert.Equal(168, second.Value.Seats.Count);
        Assert.Equal(first.Value.CreatedAt, (await _grains.GetFlightGrain(flightId).GetAsync())!.CreatedAt);
    }

    [Fact]
    public async Task Creating_a_flight_again_with_a_different_definition_is_refused()
    {
        var flightId = SampleLayouts.NewFlightId();
        var definition = SampleLayouts.A320Flight(flightId);
        Assert.True((await _grains.GetFlightGrain(flightId).CreateAsync(definition)).IsSuccess);

        var other = await _grains.GetFlightGrain(flightId).CreateAsync(definition with { Destination = "AMS" });

        Assert.Equal(FailureCode.FlightExists, other.Error?.Code);
        Assert.Equal("flightId", other.Error?.Field);
        Assert.Equal("CDG", (await _grains.GetFlightGrain(flightId).GetAsync())!.Definition.Destination);
    }

    [Fact]
    public async Task An_invalid_flight_is_refused_and_not_stored()
    {
        var flightId = SampleLayouts.NewFlightId();
        var definition = SampleLayouts.A320Flight(flightId) with { Layout = SampleLayouts.A320 with { BlockedSeats = ["99Z"] } };

        var created = await _grains.GetFlightGrain(flightId).CreateAsync(definition);
        var wrongKey = await _grains.GetFlightGrain(SampleLayouts.NewFlightId()).CreateAsync(SampleLayouts.A320Flight(flightId));

        Assert.Equal((FailureCode.ValidationFailed, "layout.blockedSeats"), (created.Error?.Code, created.Error?.Field));
        Assert.Equal((FailureCode.ValidationFailed, "flightId"), (wrongKey.Error?.Code, wrongKey.Error?.Field));
        Assert.Null(await _grains.GetFlightGrain(flightId).GetAsync());
    }

    [Fact]
    public async Task A_reactivated_flight_still_has_its_definition_and_seats()
    {
        var flightId = await _grains.CreateFlightAsync();

        await fixture.DeactivateAsync(_grains.GetFlightGrain(flightId));

        var flight = await _grains.GetFlightGrain(flightId).GetAsync();
        Assert.NotNull(flight);
        Assert.Equal(168, flight.Seats.Count);
        (await _grains.HoldAsync(flightId, "REAC03-1", "1A")).Ok();
    }

    [Fact]
    public async Task A_booking_numbers_its_passengers_and_lists_its_flights()
    {
        var flightId = await _grains.CreateFlightAsync();
        var pnr = SampleLayouts.NewPnr();

        var created = await _grains.GetBookingGrain(pnr).CreateAsync(
            new BookingDefinition(pnr, [new PassengerName(" Alice ", "Jones"), new PassengerName("Bob", " Jones ")], [flightId]));

        Assert.True(created.IsSuccess, created.Error?.Detail);
        Assert.Equal(
            [new Passenger($"{pnr}-1", "Alice", "Jones"), new Passenger($"{pnr}-2", "Bob", "Jones")],
            created.Value.Passengers);
        Assert.Equal([new BookedFlight(flightId, SampleLayouts.Departure)], created.Value.Flights);
        Assert.True(created.Value.HasLastName(" jones"));
        var stored = await _grains.GetBookingGrain(pnr.ToLowerInvariant()).GetAsync();
        Assert.NotNull(stored);
        Assert.Equal((pnr, created.Value.CreatedAt), (stored.Pnr, stored.CreatedAt));
        Assert.Equal(created.Value.Passengers, stored.Passengers);
    }

    [Fact]
    public async Task Creating_a_booking_again_is_idempotent_and_a_different_one_is_refused()
    {
        var flightId = await _grains.CreateFlightAsync();
        var pnr = SampleLayouts.NewPnr();
        var definition = new BookingDefinition(pnr, [new PassengerName("John", "Smith")], [flightId]);
        var first = await _grains.GetBookingGrain(pnr).CreateAsync(definition);

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(5));
        var again = await _grains.GetBookingGrain(pnr).CreateAsync(definition with { Passengers = [new PassengerName("John ", "Smith")] });
        var different = await _grains.GetBookingGrain(pnr).CreateAsync(definition with { Passengers = [new PassengerName("Jane", "Smith")] });

        Assert.True(first.IsSuccess, first.Error?.Detail);
        Assert.True(again.IsSuccess, again.Error?.Detail);
        Assert.Equal(first.Value.CreatedAt, again.Value.CreatedAt);
        Assert.Equal(first.Value.Passengers, again.Value.Passengers);
        Assert.Equal((FailureCode.BookingExists, "pnr"), (different.Error?.Code, different.Error?.Field));
    }

    [Fact]
    public async Task A_booking_on_a_missing_flight_names_that_flight()
    {
        var existing = await _grains.CreateFlightAsync();
        var pnr = SampleLayouts.NewPnr();
        var passengers = new[] { new PassengerName("John", "Smith") };

        var missingFirst = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, passengers, [SampleLayouts.NewFlightId()]));
        var missingSecond = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, passengers, [existing, SampleLayouts.NewFlightId()]));

        Assert.Equal((FailureCode.FlightNotFound, "flights[0]"), (missingFirst.Error?.Code, missingFirst.Error?.Field));
        Assert.Equal((FailureCode.FlightNotFound, "flights[1]"), (missingSecond.Error?.Code, missingSecond.Error?.Field));
        Assert.Null(await _grains.GetBookingGrain(pnr).GetAsync());
        Assert.True((await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, passengers, [existing]))).IsSuccess);
    }

    [Fact]
    public async Task An_invalid_booking_names_the_field()
    {
        var flightId = await _grains.CreateFlightAsync();
        var pnr = SampleLayouts.NewPnr();
        var john = new PassengerName("John", "Smith");

        var noPassengers = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [], [flightId]));
        var blankName = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [john, new PassengerName("Jane", "  ")], [flightId]));
        var sameFlightTwice = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [john], [flightId, flightId]));
        var badPnr = await _grains.GetBookingGrain("AB1").CreateAsync(new BookingDefinition("AB1", [john], [flightId]));

        Assert.Equal("passengers", noPassengers.Error?.Field);
        Assert.Equal("passengers[1].lastName", blankName.Error?.Field);
        Assert.Equal("flights", sameFlightTwice.Error?.Field);
        Assert.Equal("pnr", badPnr.Error?.Field);
        Assert.All([noPassengers, blankName, sameFlightTwice, badPnr], r => Assert.Equal(FailureCode.ValidationFailed, r.Error?.Code));
    }
}
