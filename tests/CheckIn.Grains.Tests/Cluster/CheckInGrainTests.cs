using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CheckInGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Starting_twice_gives_one_transition_and_the_allowed_actions()
    {
        var (flight, pnr) = await BookAsync(passengers: 1);
        var checkIn = _grains.GetCheckInGrain(flight, $"{pnr}-1");

        var first = (await checkIn.StartAsync(Commands.By($"{pnr}-1"))).Ok();
        var again = (await checkIn.StartAsync(Commands.By($"{pnr}-1"))).Ok();

        Assert.Equal(CheckInStatus.InProgress, first.Status);
        Assert.Equal(first.Version, again.Version);
        Assert.Contains(CheckInAction.Complete, first.AllowedActions);
        var events = await fixture.CheckInAuditLog.QueryAsync(flight, $"{pnr}-1", 100);
        var start = Assert.Single(events);
        Assert.Equal(("START", CheckInStatus.NotStarted, CheckInStatus.InProgress), (start.Action, start.From, start.To));
        Assert.Equal($"passenger:{pnr}-1", start.Actor);
    }

    [Fact]
    public async Task Completing_confirms_the_held_seat_and_issues_a_boarding_pass()
    {
        var (flight, pnr) = await BookAsync(passengers: 1);
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flight, passenger);
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        (await _grains.HoldAsync(flight, passenger, "17C")).Ok();

        var done = (await checkIn.CompleteAsync(Commands.By(passenger))).Ok();

        Assert.Equal(CheckInStatus.Completed, done.Status);
        Assert.Equal("17C", done.SeatNumber);
        Assert.Equal(SeatStatus.Confirmed, (await _grains.SeatAsync(flight, "17C")).Status);
        var pass = done.BoardingPass!;
        Assert.Equal(("17C", "SMITH", Cabin.Economy), (pass.SeatNumber, pass.LastName.ToUpperInvariant(), pass.Cabin));
        Assert.Equal(pass.Departure.AddMinutes(-40), pass.BoardingTime);
        Assert.Equal(60, pass.Bcbp.Length);
        Assert.Equal("017C", pass.Bcbp[48..52]);
        Assert.Equal(pnr.PadRight(7), pass.Bcbp[23..30]);
        Assert.Equal([CheckInAction.GetBoardingPass, CheckInAction.Cancel], done.AllowedActions);

        var again = (await checkIn.CompleteAsync(Commands.By(passenger))).Ok();
        Assert.Equal(done.Version, again.Version);
        Assert.Equal(pass.SequenceNumber, again.BoardingPass!.SequenceNumber);
    }

    [Fact]
    public async Task Completing_without_a_seat_assigns_a_window_or_aisle_seat_in_economy()
    {
        var (flight, pnr) = await BookAsync(passengers: 1);
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flight, passenger);
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();

        var done = (await checkIn.CompleteAsync(Commands.By(passenger))).Ok();

        Assert.Equal("4A", done.SeatNumber);
        var seat = await _grains.SeatAsync(flight, "4A");
        Assert.Equal((SeatStatus.Confirmed, passenger), (seat.Status, seat.PassengerId));
        var seatEvents = await fixture.AuditLog.QueryAsync(flight, "4A", 10);
        Assert.Equal("seat assigned automatically at check-in", seatEvents[^1].Reason);
    }

    [Fact]
    public async Task Passengers_completing_together_get_different_seats_and_sequence_numbers()
    {
        var (flight, pnr) = await BookAsync(passengers: 6);
        var ids = Enumerable.Range(1, 6).Select(i => $"{pnr}-{i}").ToList();
        foreach (var id in ids)
        {
            (await _grains.GetCheckInGrain(flight, id).StartAsync(Commands.By(id))).Ok();
        }

        var done = await Task.WhenAll(ids.Select(id => _grains.GetCheckInGrain(flight, id).CompleteAsync(Commands.By(id))));

        var views = done.Select(r => r.Ok()).ToList();
        Assert.Equal(6, views.Select(v => v.SeatNumber).Distinct().Count());
        Assert.Equal(6, views.Select(v => v.BoardingPass!.SequenceNumber).Distinct().Count());
        Assert.All(views, v => Assert.InRange(v.BoardingPass!.SequenceNumber, 1, 6));
        foreach (var v in views)
        {
            Assert.Equal(v.PassengerId, (await _grains.SeatAsync(flight, v.SeatNumber!)).PassengerId);
        }
    }

    [Fact]
    public async Task Cancelling_releases_the_seat_voids_the_pass_and_records_why()
    {
        var (flight, pnr) = await BookAsync(passengers: 1);
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flight, passenger);
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        var done = (await checkIn.CompleteAsync(Commands.By(passenger))).Ok();

        var cancelled = (await checkIn.CancelAsync("travel plans changed", Commands.By(passenger))).Ok();

        Assert.Equal(CheckInStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.SeatNumber);
        Assert.Null(cancelled.BoardingPass);
        Assert.Equal("travel plans changed", cancelled.CancellationReason);
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, done.SeatNumber!)).Status);
        Assert.Null(await _grains.GetPassengerSeatGrain(flight, passenger).GetSeatNumberAsync());
        var last = (await fixture.CheckInAuditLog.QueryAsync(flight, passenger, 100))[^1];
        Assert.Equal(("CANCEL", CheckInStatus.Completed, CheckInStatus.Cancelled, "travel plans changed", done.SeatNumber),
            (last.Action, last.From, last.To, last.Reason, last.SeatNumber));

        var restarted = (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        Assert.Equal(CheckInStatus.InProgress, restarted.Status);
        Assert.Null(restarted.CancellationReason);
    }

    [Fact]
    public async Task A_checked_in_passenger_cannot_change_seats_until_the_check_in_is_cancelled()
    {
        var (flight, pnr) = await BookAsync(passengers: 1);
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flight, passenger);
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        var seat = (await checkIn.CompleteAsync(Commands.By(passenger))).Ok().SeatNumber!;

        (await _grains.HoldAsync(flight, passenger, "20A")).Refused(FailureCode.CheckinCompleted);
        (await _grains.ReleaseAsync(flight, passenger, seat)).Refused(FailureCode.CheckinCompleted);
        (await _grains.ConfirmAsync(flight, passenger, seat)).Refused(FailureCode.CheckinCompleted);
        Assert.Equal((SeatStatus.Confirmed, passenger), ((await _grains.SeatAsync(flight, seat)).Status, (await _grains.SeatAsync(flight, seat)).PassengerId));
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "20A")).Status);

        (await checkIn.CancelAsync("changing seats", Commands.By(passenger))).Ok();
        (await _grains.HoldAsync(flight, passenger, "20A")).Ok();
    }

    [Fact]
    public async Task Commands_in_the_wrong_state_are_refused_and_change_nothing()
    {
        var (flight, pnr) = await BookAsync(passengers: 1);
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flight, passenger);

        (await checkIn.CompleteAsync(Commands.By(passenger))).Refused(FailureCode.CheckinNotStarted);
        (await checkIn.CancelAsync("x", Commands.By(passenger))).Refused(FailureCode.CheckinNotStarted);

        var view = (await checkIn.GetAsync()).Ok();
        Assert.Equal((CheckInStatus.NotStarted, 0L), (view.Status, view.Version));
        Assert.Empty(await fixture.CheckInAuditLog.QueryAsync(flight, passenger, 100));
    }

    [Fact]
    public async Task Outside_the_window_check_in_is_refused_with_when_it_opens()
    {
        var (flight, pnr) = await BookAsync(passengers: 1, departureIn: TimeSpan.FromDays(3));
        var passenger = $"{pnr}-1";

        var result = await _grains.GetCheckInGrain(flight, passenger).StartAsync(Commands.By(passenger));

        result.Refused(FailureCode.CheckinNotOpen);
        Assert.True(DateTimeOffset.TryParse(result.Error!.Extensions!["opensAt"], out var opensAt));
        var departure = (await _grains.GetFlightGrain(flight).GetAsync())!.Definition.Departure;
        Assert.Equal(departure.AddHours(-24), opensAt);
    }

    [Fact]
    public async Task A_passenger_not_booked_on_the_flight_has_no_check_in()
    {
        var (flight, _) = await BookAsync(passengers: 1);

        (await _grains.GetCheckInGrain(flight, "NOBODY-1").StartAsync(Commands.By("NOBODY-1"))).Refused(FailureCode.PassengerNotFound);
    }

    [Fact]
    public async Task A_passenger_booked_in_business_is_assigned_a_business_seat()
    {
        var flightId = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow().AddHours(5));
        var pnr = SampleLayouts.NewPnr();
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new("Ann", "Lee", Cabin.Business)], [flightId]))).Ok();
        var checkIn = _grains.GetCheckInGrain(flightId, $"{pnr}-1");
        (await checkIn.StartAsync(Commands.By(pnr))).Ok();

        var done = (await checkIn.CompleteAsync(Commands.By(pnr))).Ok();

        Assert.Equal(("1A", Cabin.Business, 'J'), (done.SeatNumber, done.BoardingPass!.Cabin, done.BoardingPass.Bcbp[47]));
    }

    [Fact]
    public async Task A_booking_in_a_cabin_the_flight_lacks_is_refused()
    {
        var flightId = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow().AddHours(5));
        var pnr = SampleLayouts.NewPnr();

        var result = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new("Ann", "Lee"), new("Bo", "Lee", Cabin.First)], [flightId]));

        result.Refused(FailureCode.ValidationFailed);
        Assert.Equal("passengers[1].cabin", result.Error!.Field);
        Assert.Null(await _grains.GetBookingGrain(pnr).GetAsync());
    }

    [Fact]
    public async Task A_full_cabin_leaves_nothing_to_assign()
    {
        var flightId = SampleLayouts.NewFlightId();
        var tiny = new SeatLayout([new CabinSection(Cabin.Economy, 1, 1, "AB")], [], [], [], []);
        Assert.True((await _grains.GetFlightGrain(flightId).CreateAsync(new FlightDefinition(flightId, "LHR", "CDG", fixture.Time.GetUtcNow().AddHours(5), tiny))).IsSuccess);
        var pnr = SampleLayouts.NewPnr();
        Assert.True((await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new("Ann", "Smith")], [flightId]))).IsSuccess);
        (await _grains.HoldAsync(flightId, "OTHER1-1", "1A")).Ok();
        (await _grains.HoldAsync(flightId, "OTHER2-1", "1B")).Ok();
        var checkIn = _grains.GetCheckInGrain(flightId, $"{pnr}-1");
        (await checkIn.StartAsync(Commands.By(pnr))).Ok();

        (await checkIn.CompleteAsync(Commands.By(pnr))).Refused(FailureCode.NoSeatAvailable);
        Assert.Equal(CheckInStatus.InProgress, (await checkIn.GetAsync()).Ok().Status);
    }

    private async Task<(string FlightId, string Pnr)> BookAsync(int passengers, TimeSpan? departureIn = null)
    {
        var flightId = SampleLayouts.NewFlightId();
        var departure = fixture.Time.GetUtcNow().Add(departureIn ?? TimeSpan.FromHours(5));
        var created = await _grains.GetFlightGrain(flightId).CreateAsync(SampleLayouts.A320Flight(flightId) with { Departure = departure });
        Assert.True(created.IsSuccess, created.Error?.Detail);
        var pnr = SampleLayouts.NewPnr();
        var names = Enumerable.Range(1, passengers).Select(i => new PassengerName($"Pat{i}", "Smith")).ToList();
        var booking = await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, names, [flightId]));
        Assert.True(booking.IsSuccess, booking.Error?.Detail);
        return (flightId, pnr);
    }
}
