using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Flights;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Rules;

public sealed class CheckInRulesTests
{
    private static readonly DateTimeOffset Departure = new(2031, 6, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly CheckInWindowOptions Window = new();

    [Fact]
    public void Before_the_window_opens_check_in_is_not_open_and_says_when_it_opens()
    {
        var error = CheckInRules.OutsideWindow(Departure.AddHours(-24).AddTicks(-1), Departure, Window);

        Assert.Equal(FailureCode.CheckinNotOpen, error?.Code);
        Assert.Equal("2031-05-31T09:30:00Z", error!.Extensions!["opensAt"]);
    }

    [Fact]
    public void The_window_is_open_from_24_hours_until_45_minutes_before_departure()
    {
        Assert.Null(CheckInRules.OutsideWindow(Departure.AddHours(-24), Departure, Window));
        Assert.Null(CheckInRules.OutsideWindow(Departure.AddMinutes(-45).AddTicks(-1), Departure, Window));
        Assert.Equal(FailureCode.CheckinClosed, CheckInRules.OutsideWindow(Departure.AddMinutes(-45), Departure, Window)?.Code);
        Assert.Equal(FailureCode.CheckinClosed, CheckInRules.OutsideWindow(Departure.AddDays(1), Departure, Window)?.Code);
    }

    [Fact]
    public void The_window_follows_its_settings()
    {
        var window = new CheckInWindowOptions { Opens = TimeSpan.FromHours(48), Closes = TimeSpan.FromHours(1) };

        Assert.Null(CheckInRules.OutsideWindow(Departure.AddHours(-47), Departure, window));
        Assert.Equal(FailureCode.CheckinClosed, CheckInRules.OutsideWindow(Departure.AddMinutes(-50), Departure, window)?.Code);
    }

    [Theory]
    [InlineData(CheckInStatus.NotStarted, FailureCode.CheckinNotStarted)]
    [InlineData(CheckInStatus.Cancelled, FailureCode.CheckinCancelled)]
    [InlineData(CheckInStatus.WaitingForPayment, FailureCode.PaymentRequired)]
    public void Only_a_check_in_in_progress_can_complete(CheckInStatus status, FailureCode expected)
    {
        var now = Departure.AddHours(-2);

        Assert.Equal(expected, CheckInRules.CanComplete(status, now, Departure, Window)?.Code);
        Assert.Null(CheckInRules.CanComplete(CheckInStatus.InProgress, now, Departure, Window));
        Assert.Null(CheckInRules.CanComplete(CheckInStatus.Completed, now, Departure, Window));
    }

    [Fact]
    public void Completing_after_the_window_closed_is_refused()
    {
        Assert.Equal(FailureCode.CheckinClosed, CheckInRules.CanComplete(CheckInStatus.InProgress, Departure.AddMinutes(-10), Departure, Window)?.Code);
    }

    [Fact]
    public void A_check_in_can_be_cancelled_until_departure_but_not_before_it_started()
    {
        Assert.Null(CheckInRules.CanCancel(CheckInStatus.Completed, Departure.AddMinutes(-1), Departure));
        Assert.Null(CheckInRules.CanCancel(CheckInStatus.Cancelled, Departure.AddDays(1), Departure));
        Assert.Equal(FailureCode.FlightDeparted, CheckInRules.CanCancel(CheckInStatus.Completed, Departure, Departure)?.Code);
        Assert.Equal(FailureCode.CheckinNotStarted, CheckInRules.CanCancel(CheckInStatus.NotStarted, Departure.AddHours(-3), Departure)?.Code);
    }

    [Fact]
    public void Allowed_actions_follow_the_state_and_the_window()
    {
        var open = Departure.AddHours(-3);
        var closed = Departure.AddMinutes(-30);
        Assert.Equal([CheckInAction.Start], CheckInRules.AllowedActions(CheckInStatus.NotStarted, open, Departure, Window));
        Assert.Empty(CheckInRules.AllowedActions(CheckInStatus.NotStarted, closed, Departure, Window));
        Assert.Equal([CheckInAction.ChooseSeat, CheckInAction.AddBag, CheckInAction.Complete, CheckInAction.Cancel],
            CheckInRules.AllowedActions(CheckInStatus.InProgress, open, Departure, Window));
        Assert.Equal([CheckInAction.Cancel], CheckInRules.AllowedActions(CheckInStatus.InProgress, closed, Departure, Window));
        Assert.Equal([CheckInAction.Pay, CheckInAction.Cancel], CheckInRules.AllowedActions(CheckInStatus.WaitingForPayment, open, Departure, Window));
        Assert.Equal([CheckInAction.GetBoardingPass, CheckInAction.Cancel], CheckInRules.AllowedActions(CheckInStatus.Completed, closed, Departure, Window));
        Assert.Equal([CheckInAction.GetBoardingPass], CheckInRules.AllowedActions(CheckInStatus.Completed, Departure, Departure, Window));
    }

    [Fact]
    public void Automatic_seats_are_window_and_aisle_before_middle_front_to_back_in_the_cabin_only()
    {
        var flight = FlightRules.Create(SampleLayouts.A320Flight("CI100"), Departure).Value!;
        var taken = new HashSet<string> { "4A", "4C", "4D" };
        var map = new SeatMapView("CI100", 1, Departure, [.. flight.Seats.Select(s => new SeatMapEntry(
            s.SeatNumber,
            taken.Contains(s.SeatNumber) ? SeatStatus.Confirmed : s.Blocked ? SeatStatus.Blocked : s.SeatNumber == "6C" ? SeatStatus.Offered : SeatStatus.Available,
            null,
            null))]);

        var candidates = CheckInRules.AutoAssignCandidates(flight, map, Cabin.Economy);

        Assert.Equal(["4F", "5A", "5C", "5D", "5F", "6A", "6D"], candidates.Take(7));
        Assert.DoesNotContain(candidates, s => taken.Contains(s) || s == "30A" || s == "6C");
        Assert.All(candidates, s => Assert.Equal(Cabin.Economy, flight.FindSeat(s)!.Cabin));
        var firstMiddle = candidates.ToList().FindIndex(s => s.EndsWith('B') || s.EndsWith('E'));
        Assert.True(candidates.Skip(firstMiddle).All(s => s.EndsWith('B') || s.EndsWith('E')), "a middle seat came before a window or aisle seat");
        Assert.Equal("4B", candidates[firstMiddle]);
    }

    [Fact]
    public void A_passenger_sits_in_economy_when_the_flight_has_it()
    {
        var flight = FlightRules.Create(SampleLayouts.A320Flight("CI100"), Departure).Value!;
        Assert.Equal(Cabin.Economy, CheckInRules.CabinOf(flight));
    }
}
