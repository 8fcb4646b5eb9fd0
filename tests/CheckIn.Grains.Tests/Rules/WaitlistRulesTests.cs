using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Flights;
using CheckIn.Grains.Tests.Support;
using CheckIn.Grains.Waitlist;

namespace CheckIn.Grains.Tests.Rules;

public sealed class WaitlistRulesTests
{
    private static readonly DateTimeOffset At = new(2031, 6, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly FlightInfo Flight = FlightRules.Create(SampleLayouts.A320Flight("WL100"), At).Value!;

    [Fact]
    public void A_freed_seat_goes_to_the_first_entry_it_suits_and_the_others_keep_their_place()
    {
        WaitlistEntry[] queue = [Single(1, SeatPreference.Window), Single(2, SeatPreference.Aisle), Single(3, SeatPreference.Any)];

        var match = WaitlistRules.MatchFreedSeat(queue, Flight, "10C", Free("10C"));

        Assert.Equal((2L, "10C"), (match!.Entry.Sequence, Assert.Single(match.Seats)));
    }

    [Fact]
    public void First_come_first_served_among_entries_the_seat_suits()
    {
        WaitlistEntry[] queue = [Single(7, SeatPreference.Any), Single(3, SeatPreference.Any), Single(5, SeatPreference.Window)];

        Assert.Equal(3L, WaitlistRules.MatchFreedSeat(queue, Flight, "10A", Free("10A"))!.Entry.Sequence);
    }

    [Fact]
    public void Another_cabin_left_entries_and_seats_not_free_are_passed_over()
    {
        WaitlistEntry[] queue = [Single(1, SeatPreference.Any, Cabin.Business), Single(2, SeatPreference.Any) with { Status = WaitlistStatus.Left }, Single(3, SeatPreference.Any)];

        Assert.Equal(3L, WaitlistRules.MatchFreedSeat(queue, Flight, "10A", Free("10A"))!.Entry.Sequence);
        Assert.Null(WaitlistRules.MatchFreedSeat([Single(1, SeatPreference.Window)], Flight, "10B", Free("10B")));
        Assert.Null(WaitlistRules.MatchFreedSeat(queue, Flight, "10A", Free("10B")));
    }

    [Fact]
    public void A_group_is_served_with_an_adjacent_block_when_one_is_free()
    {
        var match = WaitlistRules.MatchFreedSeat([Group(1, 3)], Flight, "10B", Free("10A", "10B", "10C", "10D"));

        Assert.Equal(["10A", "10B", "10C"], match!.Seats);
    }

    [Fact]
    public void A_group_sits_in_one_row_across_the_aisle_when_no_adjacent_block_is_free()
    {
        var match = WaitlistRules.MatchFreedSeat([Group(1, 3)], Flight, "10A", Free("10A", "10B", "10D", "10F", "11C"));

        Assert.Equal(["10A", "10B", "10D"], match!.Seats);
    }

    [Fact]
    public void A_group_is_all_or_nothing_and_the_next_single_gets_the_seat_meanwhile()
    {
        WaitlistEntry[] queue = [Group(1, 3), Single(2, SeatPreference.Any)];

        var match = WaitlistRules.MatchFreedSeat(queue, Flight, "10A", Free("10A", "10B", "11A"));

        Assert.Equal((2L, "10A"), (match!.Entry.Sequence, Assert.Single(match.Seats)));
        Assert.Null(WaitlistRules.MatchFreedSeat([Group(1, 3)], Flight, "10A", Free("10A", "10B", "11A")));
    }

    [Fact]
    public void A_new_entry_takes_a_suitable_free_seat_at_once()
    {
        Assert.Equal(["5A"], SeatsFor(Single(1, SeatPreference.Window), Free("4B", "5A", "6A")));
        Assert.Equal(["4C"], SeatsFor(Single(1, SeatPreference.Aisle), Free("4B", "4C")));
        Assert.Null(SeatsFor(Single(1, SeatPreference.Window), Free("4B", "4E")));
        Assert.Equal(["7D", "7E"], SeatsFor(Group(1, 2), Free("6A", "7D", "7E")));
        Assert.Null(SeatsFor(Group(1, 2), Free("6A", "7D")));
    }

    [Fact]
    public void One_pass_gives_each_seat_to_one_entry_and_serves_each_entry_once()
    {
        WaitlistEntry[] queue = [Single(1, SeatPreference.Window), Single(2, SeatPreference.Any), Single(3, SeatPreference.Any)];

        var matches = WaitlistRules.MatchAll(queue, Flight, ["5A", "5B", "5A"], Free("5A", "5B"));

        Assert.Equal([(1L, "5A"), (2L, "5B")], matches.Select(m => (m.Entry.Sequence, Assert.Single(m.Seats))));
    }

    /// <summary>What one pass gives a lone entry, trying the free seats in seat order.</summary>
    private static IReadOnlyList<string>? SeatsFor(WaitlistEntry entry, IReadOnlySet<string> free) =>
        WaitlistRules.MatchAll([entry], Flight, Flight.Seats.Select(s => s.SeatNumber), free).SingleOrDefault()?.Seats;

    private static IReadOnlySet<string> Free(params string[] seats) => seats.ToHashSet(StringComparer.Ordinal);

    private static WaitlistEntry Single(long sequence, SeatPreference position, Cabin cabin = Cabin.Economy) =>
        new(sequence, "WLPNR1", [$"P{sequence}-1"], cabin, position, WaitlistStatus.Waiting, [], At, At);

    private static WaitlistEntry Group(long sequence, int size) =>
        new(sequence, "WLPNR2", [.. Enumerable.Range(1, size).Select(i => $"G{sequence}-{i}")], Cabin.Economy, SeatPreference.Any, WaitlistStatus.Waiting, [], At, At);
}
