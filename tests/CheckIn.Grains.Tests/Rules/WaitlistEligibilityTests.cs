using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Flights;
using CheckIn.Grains.Tests.Support;
using CheckIn.Grains.Waitlist;

namespace CheckIn.Grains.Tests.Rules;

public sealed class WaitlistEligibilityTests
{
    private static readonly DateTimeOffset At = new(2031, 6, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly FlightInfo Flight = FlightRules.Create(SampleLayouts.A320Flight("WL200"), At).Value!;

    private static readonly BookingInfo Mixed = new("MIXED1",
        [new Passenger("MIXED1-1", "Ada", "Byron", Cabin.Business), new Passenger("MIXED1-2", "Allegra", "Byron", Cabin.Economy)],
        [new BookedFlight("WL200", Flight.Definition.Departure)], At);

    [Fact]
    public void Without_a_cabin_the_first_passengers_booked_cabin_is_waited_for_and_a_member_booked_elsewhere_is_named()
    {
        Assert.Equal((Cabin.Business, (Error?)null), WaitlistEligibility.Booked(Flight, Mixed, ["MIXED1-1"], null));

        var (_, refusal) = WaitlistEligibility.Booked(Flight, Mixed, ["MIXED1-1", "MIXED1-2"], null);
        Assert.Equal((FailureCode.CabinNotBooked, "togetherWith[0]"), (refusal?.Code, refusal?.Field));

        var (_, asked) = WaitlistEligibility.Booked(Flight, Mixed, ["MIXED1-2"], Cabin.Business);
        Assert.Equal((FailureCode.CabinNotBooked, "cabin"), (asked?.Code, asked?.Field));
    }

    [Fact]
    public void A_booking_not_on_the_flight_refuses_its_first_passenger()
    {
        var elsewhere = Mixed with { Flights = [new BookedFlight("OTHER1", At)] };

        var (_, refusal) = WaitlistEligibility.Booked(Flight, elsewhere, ["MIXED1-1"], null);

        Assert.Equal((FailureCode.NotOnFlight, "passengerId"), (refusal?.Code, refusal?.Field));
    }

    [Fact]
    public void A_seat_outside_the_cabin_or_the_position_does_not_meet_the_preference()
    {
        var aisle = Seat("1C", "MIXED1-1");

        Assert.Null(WaitlistEligibility.AlreadyMet(Flight, ["MIXED1-1"], [aisle], Cabin.Business, SeatPreference.Window));
        Assert.Null(WaitlistEligibility.AlreadyMet(Flight, ["MIXED1-1"], [null], Cabin.Business, SeatPreference.Any));
        Assert.Equal(FailureCode.PreferenceAlreadyMet, WaitlistEligibility.AlreadyMet(Flight, ["MIXED1-1"], [aisle], Cabin.Business, SeatPreference.Aisle)?.Code);
        // A group across two rows is not together yet.
        Assert.Null(WaitlistEligibility.AlreadyMet(Flight, ["A", "B"], [Seat("1A", "A"), Seat("2A", "B")], Cabin.Business, SeatPreference.Any));
    }

    [Fact]
    public void A_passenger_waiting_in_another_entry_is_named_by_the_field_that_named_them_and_the_same_entry_is_a_repeat()
    {
        var waiting = new WaitlistEntry(7, "MIXED1", ["MIXED1-2"], Cabin.Economy, SeatPreference.Any, WaitlistStatus.Waiting, [], At, At);
        var left = waiting with { Sequence = 6, PassengerIds = ["MIXED1-1"], Status = WaitlistStatus.Left };

        var refusal = WaitlistEligibility.AlreadyWaitlisted([left, waiting], ["MIXED1-1", "MIXED1-2"]);

        Assert.Equal((FailureCode.AlreadyWaitlisted, "togetherWith[0]"), (refusal?.Code, refusal?.Field));
        Assert.Null(WaitlistEligibility.AlreadyWaitlisted([left, waiting], ["MIXED1-2"]));
        Assert.Null(WaitlistEligibility.AlreadyWaitlisted([left], ["MIXED1-1"]));
    }

    private static SeatSnapshot Seat(string seatNumber, string passengerId) =>
        new("WL200", seatNumber, SeatStatus.Held, passengerId, At.AddMinutes(2), 1, At);
}
