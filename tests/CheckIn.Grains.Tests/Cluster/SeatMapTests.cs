using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SeatMapTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_new_flight_has_every_seat_available_except_blocked_ones()
    {
        var flight = await _grains.CreateFlightAsync();

        var map = await _grains.GetSeatMapGrain(flight).GetAsync();

        Assert.NotNull(map);
        Assert.Equal(flight, map.FlightId);
        Assert.Equal(168, map.Seats.Count);
        Assert.Equal(0, map.Version);
        Assert.Equal("1A", map.Seats[0].SeatNumber);
        Assert.Equal(SeatStatus.Blocked, Assert.Single(map.Seats, s => s.Status != SeatStatus.Available).Status);
        Assert.Equal(SeatStatus.Blocked, map.Seats.Single(s => s.SeatNumber == "30A").Status);
    }

    [Fact]
    public async Task The_map_follows_hold_confirm_and_release_with_a_growing_version()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        var v0 = (await map.GetAsync())!.Version;

        var held = (await _grains.HoldAsync(flight, "MAPS01-1", "3C")).Ok();
        var afterHold = await Eventually.Until(map.GetAsync, m => Entry(m, "3C").Status == SeatStatus.Held, "the hold on the map");
        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Held, held.HoldExpiresAt, "MAPS01-1"), Entry(afterHold, "3C"));
        Assert.True(afterHold!.Version > v0);
        Assert.Equal(held.UpdatedAt, afterHold.LastUpdated);

        (await _grains.ConfirmAsync(flight, "MAPS01-1", "3C")).Ok();
        var afterConfirm = await Eventually.Until(map.GetAsync, m => Entry(m, "3C").Status == SeatStatus.Confirmed, "the confirmation on the map");
        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Confirmed, null, "MAPS01-1"), Entry(afterConfirm, "3C"));
        Assert.True(afterConfirm!.Version > afterHold.Version);

        (await _grains.ReleaseAsync(flight, "MAPS01-1", "3C")).Ok();
        var afterRelease = await Eventually.Until(map.GetAsync, m => Entry(m, "3C").Status == SeatStatus.Available, "the release on the map");
        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Available, null, null), Entry(afterRelease, "3C"));
        Assert.True(afterRelease!.Version > afterConfirm.Version);
    }

    [Fact]
    public async Task A_blocked_seat_shows_blocked_and_cannot_be_held()
    {
        var flight = await _grains.CreateFlightAsync();

        (await _grains.HoldAsync(flight, "BLCK01-1", "30A")).Refused(FailureCode.SeatUnavailable);

        Assert.Equal(SeatStatus.Blocked, (await _grains.SeatAsync(flight, "30A")).Status);
        Assert.Equal(SeatStatus.Blocked, (await _grains.MapEntryAsync(flight, "30A"))!.Status);
        Assert.Null(await _grains.GetPassengerSeatGrain(flight, "BLCK01-1").GetSeatNumberAsync());
    }

    [Fact]
    public async Task An_unknown_flight_has_no_map_until_it_is_created()
    {
        var flight = SampleLayouts.NewFlightId();
        var map = _grains.GetSeatMapGrain(flight);

        for (var call = 1; call <= 3; call++)
        {
            SeatMapView? answer = null;
            var exception = await Record.ExceptionAsync(async () => answer = await map.GetAsync());
            Assert.True(exception is null, $"call {call} for an unknown flight threw {exception?.GetType().Name}: {exception?.Message}");
            Assert.Null(answer);
        }

        Assert.True((await _grains.GetFlightGrain(flight).CreateAsync(SampleLayouts.A320Flight(flight))).IsSuccess);
        var created = await Eventually.Until(map.GetAsync, m => m is not null, "the map of the created flight");
        Assert.Equal(168, created!.Seats.Count);
    }

    private static SeatMapEntry Entry(SeatMapView? map, string seatNumber) =>
        map!.Seats.Single(s => s.SeatNumber == seatNumber);
}
