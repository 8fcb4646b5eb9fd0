using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SeatHoldTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Hundred_passengers_racing_for_one_seat_leave_exactly_one_holder()
    {
        var flight = await _grains.CreateFlightAsync();
        var passengers = Enumerable.Range(1, 100).Select(i => $"RACE{i:D2}-1").ToList();

        var results = await Task.WhenAll(passengers.Select(p => _grains.HoldAsync(flight, p, "5C")));

        var winners = results.Where(r => r.IsSuccess).ToList();
        Assert.Single(winners);
        Assert.Equal(99, results.Count(r => r.Error?.Code == FailureCode.SeatUnavailable));
        var seat = await _grains.SeatAsync(flight, "5C");
        Assert.Equal(SeatStatus.Held, seat.Status);
        Assert.Equal(winners[0].Value!.PassengerId, seat.PassengerId);
        Assert.Contains(seat.PassengerId, passengers);
    }

    [Fact]
    public async Task Hold_returns_the_seat_held_for_the_hold_duration()
    {
        var flight = await _grains.CreateFlightAsync();
        var now = fixture.Time.GetUtcNow();

        var held = (await _grains.HoldAsync(flight, "HOLD01-1", "12F")).Ok();

        Assert.Equal(flight, held.FlightId);
        Assert.Equal("12F", held.SeatNumber);
        Assert.Equal(SeatStatus.Held, held.Status);
        Assert.Equal("HOLD01-1", held.PassengerId);
        Assert.Equal(now + ClusterFixture.HoldDuration, held.HoldExpiresAt);
        Assert.Equal(1, held.Version);
        Assert.Equal(held, await _grains.SeatAsync(flight, "12F"));
    }

    [Fact]
    public async Task Repeated_hold_returns_the_same_hold_and_does_not_extend_it()
    {
        var flight = await _grains.CreateFlightAsync();
        var first = (await _grains.HoldAsync(flight, "REPT01-1", "9D")).Ok();

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));
        var second = (await _grains.HoldAsync(flight, "REPT01-1", "9D")).Ok();
        var direct = (await _grains.GetSeatGrain(flight, "9D").HoldAsync("REPT01-1", Commands.By("REPT01-1"))).Ok();

        Assert.Equal(first, second);
        Assert.Equal(first, direct);
        Assert.Equal(first.HoldExpiresAt, second.HoldExpiresAt);
    }

    [Fact]
    public async Task Repeated_confirm_returns_the_same_confirmed_seat()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "REPT02-1", "9E")).Ok();

        var first = (await _grains.ConfirmAsync(flight, "REPT02-1", "9E")).Ok();
        var second = (await _grains.ConfirmAsync(flight, "REPT02-1", "9E")).Ok();

        Assert.Equal(SeatStatus.Confirmed, first.Status);
        Assert.Null(first.HoldExpiresAt);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Repeated_release_succeeds_with_the_same_result()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "REPT03-1", "9F")).Ok();

        var first = (await _grains.ReleaseAsync(flight, "REPT03-1", "9F")).Ok();
        var second = (await _grains.ReleaseAsync(flight, "REPT03-1", "9F")).Ok();

        Assert.Equal(SeatStatus.Available, first.Status);
        Assert.Null(first.PassengerId);
        Assert.Equal(first, second);
        Assert.Null(await _grains.GetPassengerSeatGrain(flight, "REPT03-1").GetSeatNumberAsync());
    }

    [Fact]
    public async Task Another_passenger_can_neither_confirm_nor_release_a_held_seat()
    {
        var flight = await _grains.CreateFlightAsync();
        var held = (await _grains.HoldAsync(flight, "OWNR01-1", "6A")).Ok();

        (await _grains.ConfirmAsync(flight, "OTHR01-1", "6A")).Refused(FailureCode.NotHolder);
        (await _grains.GetSeatGrain(flight, "6A").ConfirmAsync("OTHR01-1", Commands.By("OTHR01-1"))).Refused(FailureCode.NotHolder);
        (await _grains.ReleaseAsync(flight, "OTHR01-1", "6A")).Refused(FailureCode.NotHolder);

        Assert.Equal(held, await _grains.SeatAsync(flight, "6A"));
    }

    [Fact]
    public async Task Another_passenger_can_neither_release_nor_take_a_confirmed_seat()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "OWNR02-1", "6B")).Ok();
        var confirmed = (await _grains.ConfirmAsync(flight, "OWNR02-1", "6B")).Ok();

        (await _grains.ReleaseAsync(flight, "OTHR02-1", "6B")).Refused(FailureCode.NotHolder);
        (await _grains.HoldAsync(flight, "OTHR02-1", "6B")).Refused(FailureCode.SeatUnavailable);

        Assert.Equal(confirmed, await _grains.SeatAsync(flight, "6B"));
    }

    [Fact]
    public async Task A_seat_the_flight_does_not_have_is_not_found()
    {
        var flight = await _grains.CreateFlightAsync();

        (await _grains.GetSeatGrain(flight, "13A").GetAsync()).Refused(FailureCode.SeatNotFound);
        (await _grains.HoldAsync(flight, "NOSE01-1", "1B")).Refused(FailureCode.SeatNotFound);
        (await _grains.HoldAsync(SampleLayouts.NewFlightId(), "NOSE01-1", "1A")).Refused(FailureCode.SeatNotFound);
    }

    [Fact]
    public async Task Every_transition_is_audited_with_its_actor()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "AUDT01-1", "2C")).Ok();
        (await _grains.ConfirmAsync(flight, "AUDT01-1", "2C")).Ok();
        (await _grains.ReleaseAsync(flight, "AUDT01-1", "2C")).Ok();

        var events = await fixture.AuditLog.QueryAsync(flight, "2C", 100);

        Assert.Equal(
            [(SeatStatus.Available, SeatStatus.Held), (SeatStatus.Held, SeatStatus.Confirmed), (SeatStatus.Confirmed, SeatStatus.Available)],
            events.Select(e => (e.From, e.To)));
        Assert.All(events, e => Assert.Equal("passenger:AUDT01-1", e.Actor));
        Assert.All(events, e => Assert.Equal("AUDT01-1", e.PassengerId));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.SeatVersion));
    }
}
