using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class OneSeatPerPassengerTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Holding_a_second_seat_releases_the_first()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "MOVE01-1", "8A")).Ok();

        var second = (await _grains.HoldAsync(flight, "MOVE01-1", "8B")).Ok();

        Assert.Equal(SeatStatus.Held, second.Status);
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "8A")).Status);
        Assert.Equal("MOVE01-1", (await _grains.SeatAsync(flight, "8B")).PassengerId);
        Assert.Equal("8B", await _grains.GetPassengerSeatGrain(flight, "MOVE01-1").GetSeatNumberAsync());
        var released = (await fixture.AuditLog.QueryAsync(flight, "8A", 100))[^1];
        Assert.Equal((SeatStatus.Held, SeatStatus.Available), (released.From, released.To));
        Assert.Equal("replaced by seat 8B", released.Reason);
    }

    [Fact]
    public async Task A_refused_move_leaves_no_seat_move_reminder_behind()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "STAY01-1", "9A")).Ok();
        (await _grains.HoldAsync(flight, "TAKEN1-1", "9B")).Ok();

        (await _grains.HoldAsync(flight, "STAY01-1", "9B")).Refused(FailureCode.SeatUnavailable);

        // Nothing was taken, so there is no move to finish: no reminder row (an upsert, a wake-up and a delete).
        Assert.Empty(await fixture.RemindersAsync(_grains.GetPassengerSeatGrain(flight, "STAY01-1")));
        Assert.Equal("9A", await _grains.GetPassengerSeatGrain(flight, "STAY01-1").GetSeatNumberAsync());

        // A move that succeeds still drops its backstop once the old seat is released.
        (await _grains.HoldAsync(flight, "STAY01-1", "9C")).Ok();
        Assert.Empty(await fixture.RemindersAsync(_grains.GetPassengerSeatGrain(flight, "STAY01-1")));
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "9A")).Status);
    }

    [Fact]
    public async Task Twenty_concurrent_holds_by_one_passenger_leave_one_seat_held()
    {
        var flight = await _grains.CreateFlightAsync();
        var seats = Enumerable.Range(20, 4).SelectMany(row => "ABCDE".Select(col => $"{row}{col}")).ToList();
        Assert.Equal(20, seats.Count);

        var results = await Task.WhenAll(seats.Select(s => _grains.HoldAsync(flight, "GRDY01-1", s)));

        Assert.All(results, r => r.Ok());
        var snapshots = await Task.WhenAll(seats.Select(s => _grains.SeatAsync(flight, s)));
        var held = Assert.Single(snapshots, s => s.Status != SeatStatus.Available);
        Assert.Equal(SeatStatus.Held, held.Status);
        Assert.Equal("GRDY01-1", held.PassengerId);
        Assert.Equal(held.SeatNumber, await _grains.GetPassengerSeatGrain(flight, "GRDY01-1").GetSeatNumberAsync());
        await Eventually.Until(
            () => _grains.GetSeatMapGrain(flight).GetAsync(),
            m => m!.Seats.Count(e => seats.Contains(e.SeatNumber) && e.Status != SeatStatus.Available) == 1
                && m.Seats.Single(e => e.SeatNumber == held.SeatNumber).Status == SeatStatus.Held,
            "the map to show only the last seat held");
    }

    [Fact]
    public async Task Holding_another_seat_gives_up_a_confirmed_one()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "CONF01-1", "10A")).Ok();
        (await _grains.ConfirmAsync(flight, "CONF01-1", "10A")).Ok();

        (await _grains.HoldAsync(flight, "CONF01-1", "10F")).Ok();

        var old = await _grains.SeatAsync(flight, "10A");
        Assert.Equal(SeatStatus.Available, old.Status);
        Assert.Null(old.PassengerId);
        var now = await _grains.SeatAsync(flight, "10F");
        Assert.Equal((SeatStatus.Held, "CONF01-1"), (now.Status, now.PassengerId));
        Assert.Equal("10F", await _grains.GetPassengerSeatGrain(flight, "CONF01-1").GetSeatNumberAsync());
    }

    [Fact]
    public async Task A_refused_hold_keeps_the_seat_the_passenger_had()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "KEEP01-1", "15A")).Ok();
        (await _grains.HoldAsync(flight, "KEEP02-1", "15B")).Ok();

        (await _grains.HoldAsync(flight, "KEEP01-1", "15B")).Refused(FailureCode.SeatUnavailable);

        Assert.Equal("KEEP01-1", (await _grains.SeatAsync(flight, "15A")).PassengerId);
        Assert.Equal("15A", await _grains.GetPassengerSeatGrain(flight, "KEEP01-1").GetSeatNumberAsync());
    }

    [Fact]
    public async Task A_reactivated_passenger_still_knows_and_gives_up_its_first_seat()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "REAC01-1", "16A")).Ok();
        await fixture.DeactivateAsync(_grains.GetPassengerSeatGrain(flight, "REAC01-1"));

        Assert.Equal("16A", await _grains.GetPassengerSeatGrain(flight, "REAC01-1").GetSeatNumberAsync());
        (await _grains.HoldAsync(flight, "REAC01-1", "16B")).Ok();

        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "16A")).Status);
        Assert.Equal("REAC01-1", (await _grains.SeatAsync(flight, "16B")).PassengerId);
    }

    [Fact]
    public async Task A_reactivated_seat_keeps_its_hold()
    {
        var flight = await _grains.CreateFlightAsync();
        var held = (await _grains.HoldAsync(flight, "REAC02-1", "16C")).Ok();

        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, "16C"));

        Assert.Equal(held, await _grains.SeatAsync(flight, "16C"));
        Assert.Equal(SeatStatus.Confirmed, (await _grains.ConfirmAsync(flight, "REAC02-1", "16C")).Ok().Status);
    }
}
