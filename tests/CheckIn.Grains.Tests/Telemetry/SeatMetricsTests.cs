using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Telemetry;

/// <summary>The seat grain's instruments, read from the silo's meter with a MetricCollector, filtered by the test's own flight.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SeatMetricsTests(ClusterFixture fixture)
{
    private static readonly string[] Business = ["1A", "1C", "1D", "1F", "2A", "2C", "2D", "2F", "3A", "3C", "3D", "3F"];

    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task An_expired_hold_gives_one_expiry_lag_sample_for_its_flight_and_one_expired_ending()
    {
        using var lag = fixture.Collect<double>("checkin.seat.hold_expiry_lag");
        using var ended = fixture.Collect<long>("checkin.seat.holds.ended");
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "LAGA01-1", "8A")).Ok();

        // The grain timer expires it as soon as the clock passes holdExpiresAt; one second past it here.
        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));
        await Eventually.Until(() => Task.FromResult(lag.For(flight).Count), n => n > 0, "the expiry lag sample");
        // Whatever else looks at the seat now (a read, the map's sweep, the reminder) finds it expired already.
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "8A")).Status);
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "8A")).Status);

        var sample = Assert.Single(lag.For(flight));
        // Fake time: the expiry ran at the advanced instant, 1 s after holdExpiresAt.
        Assert.InRange(sample.Value, 0.999, 1.001);
        var ending = Assert.Single(ended.For(flight));
        Assert.Equal(("expired", 1L), (ending.Tag("outcome"), ending.Value));
    }

    [Fact]
    public async Task A_command_that_finds_the_hold_due_records_the_expiry_too()
    {
        using var lag = fixture.Collect<double>("checkin.seat.hold_expiry_lag");
        using var commands = fixture.Collect<long>("checkin.seat.commands");
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "LAGB01-1", "8B")).Ok();
        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, "8B"));

        // No activation, so no timer: the next command finds the hold due and expires it first.
        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(3));
        (await _grains.ConfirmAsync(flight, "LAGB01-1", "8B")).Refused(FailureCode.HoldExpired);

        var sample = Assert.Single(lag.For(flight));
        Assert.InRange(sample.Value, 2.999, 3.001);
        Assert.Equal(
            [("hold", "ok"), ("confirm", "HOLD_EXPIRED")],
            commands.For(flight).Select(m => (m.Tag("command"), m.Tag("outcome"))));
    }

    [Fact]
    public async Task A_conflict_counts_under_SEAT_UNAVAILABLE_and_a_confirm_ends_the_hold_as_confirmed()
    {
        using var commands = fixture.Collect<long>("checkin.seat.commands");
        using var ended = fixture.Collect<long>("checkin.seat.holds.ended");
        var flight = await _grains.CreateFlightAsync();

        (await _grains.HoldAsync(flight, "CONA01-1", "9C")).Ok();
        (await _grains.HoldAsync(flight, "CONB01-1", "9C")).Refused(FailureCode.SeatUnavailable);
        (await _grains.ConfirmAsync(flight, "CONA01-1", "9C")).Ok();
        (await _grains.ConfirmAsync(flight, "CONA01-1", "9C")).Ok();
        (await _grains.ReleaseAsync(flight, "CONB01-1", "9C")).Refused(FailureCode.NotHolder);

        var counted = commands.For(flight);
        Assert.All(counted, m => Assert.Equal(1L, m.Value));
        Assert.Equal(
            [("hold", "ok"), ("hold", "SEAT_UNAVAILABLE"), ("confirm", "ok"), ("confirm", "ok"), ("release", "NOT_HOLDER")],
            counted.Select(m => (m.Tag("command"), m.Tag("outcome"))));
        // The second confirm is a repeat (the seat is already confirmed): one hold, one ending.
        var ending = Assert.Single(ended.For(flight));
        Assert.Equal("confirmed", ending.Tag("outcome"));
    }

    [Fact]
    public async Task A_released_hold_ends_as_released()
    {
        using var ended = fixture.Collect<long>("checkin.seat.holds.ended");
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "RELA01-1", "10D")).Ok();
        (await _grains.ReleaseAsync(flight, "RELA01-1", "10D")).Ok();

        Assert.Equal(["released"], ended.For(flight).Select(m => m.Tag("outcome")));
    }

    [Fact]
    public async Task A_seat_offered_to_the_waitlist_and_assigned_gives_one_assignment_latency_sample()
    {
        using var latency = fixture.Collect<double>("checkin.waitlist.assignment_latency");
        using var commands = fixture.Collect<long>("checkin.seat.commands");
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(3));
        await Task.WhenAll(Business.Select(async s =>
        {
            (await _grains.HoldAsync(flight, Owner(s), s)).Ok();
            (await _grains.ConfirmAsync(flight, Owner(s), s)).Ok();
        }));
        var pnr = SampleLayouts.NewPnr();
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pax", "Waiting", Cabin.Business)], [flight]))).Ok();
        (await _grains.GetWaitlistGrain(flight).JoinAsync(new WaitlistJoin(pnr, [$"{pnr}-1"], Cabin.Business, SeatPreference.Any), Commands.By($"{pnr}-1"))).Ok();
        Assert.Empty(latency.For(flight));

        (await _grains.ReleaseAsync(flight, Owner("2C"), "2C")).Ok();

        await Eventually.Until(() => Task.FromResult(latency.For(flight).Count), n => n > 0, "the assignment latency sample");
        var seat = await _grains.SeatAsync(flight, "2C");
        Assert.Equal((SeatStatus.Confirmed, $"{pnr}-1"), (seat.Status, seat.PassengerId));
        var sample = Assert.Single(latency.For(flight));
        // Fake time does not move while the line is served: offered and assigned at the same instant.
        Assert.InRange(sample.Value, 0, 0.001);
        Assert.Contains(commands.For(flight), m => (m.Tag("command"), m.Tag("outcome")) == ("assign", "ok"));
    }

    private static string Owner(string seat) => $"OWN{seat}M-1";
}
