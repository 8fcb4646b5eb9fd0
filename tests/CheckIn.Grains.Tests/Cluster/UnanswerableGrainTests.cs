using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>
/// A grain that cannot answer (here: its stored row cannot be read, so it cannot activate; in production: its silo
/// died and is not yet declared dead) must not take down seat commands that do not need it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UnanswerableGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_seat_that_did_not_answer_does_not_block_the_passengers_next_commands_on_other_seats()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "UNRE01-1", "12A")).Ok();
        var broken = _grains.GetSeatGrain(flight, "12B");
        await BreakAsync("seat", broken);

        await Assert.ThrowsAnyAsync<Exception>(() => _grains.HoldAsync(flight, "UNRE01-1", "12B"));
        var confirmed = await _grains.ConfirmAsync(flight, "UNRE01-1", "12A");

        Assert.Equal(SeatStatus.Confirmed, confirmed.Ok().Status);
        await RepairAsync("seat", broken);
        Assert.Equal("12A", await _grains.GetPassengerSeatGrain(flight, "UNRE01-1").GetSeatNumberAsync());
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "12B")).Status);
    }

    // The move to 12B is answered; 12A's release did not answer, so 12A is parked, still CONFIRMED for the passenger.
    // A confirm of 12A must not contradict the seat (NOT_HOLDER while 12A says the passenger's): the owed release is
    // finished first, and then the seat refuses the confirm itself.
    [Fact]
    public async Task Confirming_a_previous_seat_whose_release_did_not_answer_finishes_the_release_first()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "UNRE03-1", "12A")).Ok();
        (await _grains.ConfirmAsync(flight, "UNRE03-1", "12A")).Ok();
        fixture.UnansweredReleases.Fail(flight, "12A");
        (await _grains.HoldAsync(flight, "UNRE03-1", "12B")).Ok();
        Assert.Equal(SeatStatus.Confirmed, (await _grains.SeatAsync(flight, "12A")).Status);

        var confirm = await _grains.ConfirmAsync(flight, "UNRE03-1", "12A");

        confirm.Refused(FailureCode.NotHolder);
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "12A")).Status);
        Assert.Equal("12B", await _grains.GetPassengerSeatGrain(flight, "UNRE03-1").GetSeatNumberAsync());
    }

    [Fact]
    public async Task A_seat_released_while_the_waitlist_demand_cannot_be_read_is_released_and_offered()
    {
        var flight = await _grains.CreateFlightAsync();
        var demand = _grains.GetWaitlistDemandGrain(flight);
        (await _grains.HoldAsync(flight, "UNRE02-1", "14C")).Ok();
        await BreakAsync("waitlist-demand", demand);

        var released = await _grains.ReleaseAsync(flight, "UNRE02-1", "14C");

        await RepairAsync("waitlist-demand", demand);
        // Unknown demand counts as demand: an offer nobody wants is harmless (the waitlist ends it), a lost release is not.
        Assert.Equal(SeatStatus.Offered, released.Ok().Status);
        Assert.Null(await _grains.GetPassengerSeatGrain(flight, "UNRE02-1").GetSeatNumberAsync());
    }

    /// <summary>Stores a row the grain's state type cannot be read from: the grain fails to activate on every call.</summary>
    private Task BreakAsync(string stateName, IAddressable grain) =>
        fixture.Storage.WriteStateAsync(stateName, grain.GetGrainId(), new GrainState<BrokenRow>(new BrokenRow()));

    private async Task RepairAsync(string stateName, IAddressable grain)
    {
        var row = new GrainState<BrokenRow>(new BrokenRow());
        await fixture.Storage.ReadStateAsync(stateName, grain.GetGrainId(), row);
        await fixture.Storage.ClearStateAsync(stateName, grain.GetGrainId(), row);
    }

    /// <summary>Where the seat and demand rows hold objects and lists, this row holds text.</summary>
    public sealed class BrokenRow
    {
        public string Record { get; set; } = "not a seat record";

        public string Cabins { get; set; } = "not a list of cabins";
    }
}
