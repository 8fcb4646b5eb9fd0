using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Flights;
using CheckIn.Grains.Seats;
using CheckIn.Grains.Storage;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Rules;

public sealed class SeatMapStateTests
{
    private static readonly DateTimeOffset Now = new(2031, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static FlightInfo Flight { get; } = FlightRules.Create(SampleLayouts.A320Flight("SH101"), Now).Value!;

    [Fact]
    public void A_seat_change_is_taken_only_when_newer_and_the_version_is_the_sum_of_seat_versions()
    {
        var map = SeatMapState.FromFlight(Flight, version: 0);
        var index = map.IndexSeats();
        var hold = new SeatSnapshot("SH101", "3C", SeatStatus.Held, "ABC123-1", Now.AddMinutes(2), 2, Now.AddSeconds(5));

        Assert.True(map.Apply(index, hold));
        Assert.False(map.Apply(index, hold with { Status = SeatStatus.Available, Version = 1 }));
        Assert.False(map.Apply(index, hold with { SeatNumber = "99Z", Version = 9 }));

        var view = map.ToView("SH101");
        Assert.Equal(2, view.Version);
        Assert.Equal(Now.AddSeconds(5), view.LastUpdated);
        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Held, Now.AddMinutes(2), "ABC123-1"), view.Seats.Single(s => s.SeatNumber == "3C"));
    }

    [Fact]
    public void A_rebuild_that_has_not_heard_from_a_seat_counts_it_as_version_zero()
    {
        var map = SeatMapState.FromFlight(Flight, version: -1);

        var view = map.ToView("SH101");

        Assert.Equal(0, view.Version);
        Assert.Equal(Flight.CreatedAt, view.LastUpdated);
        Assert.Equal(SeatStatus.Blocked, view.Seats.Single(s => s.SeatNumber == "30A").Status);
    }

    [Fact]
    public void The_stored_form_round_trips_through_the_storage_serializer()
    {
        var map = SeatMapState.FromFlight(Flight, version: 0);
        map.Clean = true;
        map.Apply(map.IndexSeats(), new SeatSnapshot("SH101", "3C", SeatStatus.Held, "ABC123-1", Now.AddMinutes(2), 2, Now.AddSeconds(5)));
        var serializer = CheckIn.Grains.Storage.GrainStateJson.CreateSerializer();

        var read = serializer.Deserialize<SeatMapState>(serializer.Serialize(map))!;

        Assert.True(read.Clean);
        Assert.True(read.IsWellFormed());
        var (expected, actual) = (map.ToView("SH101"), read.ToView("SH101"));
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.LastUpdated, actual.LastUpdated);
        Assert.Equal(expected.Seats, actual.Seats);
    }

    [Fact]
    public void A_row_whose_columns_disagree_is_not_served()
    {
        var map = SeatMapState.FromFlight(Flight, version: 0);
        map.Versions = [.. map.Versions.Skip(1)];

        Assert.False(map.IsWellFormed());
        Assert.False(new SeatMapState().IsWellFormed());
    }
}
