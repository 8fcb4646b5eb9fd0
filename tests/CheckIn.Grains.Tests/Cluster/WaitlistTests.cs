using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Seats;
using CheckIn.Grains.Tests.Support;
using CheckIn.Grains.Waitlist;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>
/// The waitlist against real seat, passenger-seat, demand and inbox grains. Each test fills the A320's business cabin
/// (rows 1-3, AC_DF: 12 seats; window A/F, aisle C/D) so that only the seats a test frees can be assigned.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WaitlistTests(ClusterFixture fixture)
{
    private static readonly string[] Business = ["1A", "1C", "1D", "1F", "2A", "2C", "2D", "2F", "3A", "3C", "3D", "3F"];

    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_released_seat_goes_to_the_first_waiting_passenger_it_suits()
    {
        var flight = await FullBusinessFlightAsync();
        var window = (await JoinAsync(flight, SeatPreference.Window, "WINWIN-1")).Ok();
        var any = (await JoinAsync(flight, SeatPreference.Any, "ANYANY-1")).Ok();
        Assert.Equal((WaitlistStatus.Waiting, 1, 2), (window.Status, window.PlaceInLine, any.PlaceInLine));

        (await _grains.ReleaseAsync(flight, Owner("1C"), "1C")).Ok();

        var served = await UntilStatusAsync(flight, "ANYANY-1", WaitlistStatus.Assigned);
        Assert.Equal(["1C"], served.AssignedSeats);
        var seat = await _grains.SeatAsync(flight, "1C");
        Assert.Equal((SeatStatus.Confirmed, "ANYANY-1"), (seat.Status, seat.PassengerId));
        Assert.Equal("1C", await _grains.GetPassengerSeatGrain(flight, "ANYANY-1").GetSeatNumberAsync());
        var still = (await _grains.GetWaitlistGrain(flight).GetAsync("WINWIN-1")).Ok();
        Assert.Equal((WaitlistStatus.Waiting, 1), (still.Status, still.PlaceInLine));

        (await _grains.ReleaseAsync(flight, Owner("2F"), "2F")).Ok();
        Assert.Equal(["2F"], (await UntilStatusAsync(flight, "WINWIN-1", WaitlistStatus.Assigned)).AssignedSeats);

        var audit = await fixture.WaitlistAuditLog.QueryAsync(flight, 100);
        Assert.Equal(["JOINED", "JOINED", "ASSIGNED", "ASSIGNED"], audit.Select(e => e.Action));
        Assert.Equal(["1C"], audit[2].Seats);
        var seatEvents = await fixture.AuditLog.QueryAsync(flight, "1C", 100);
        Assert.Equal(
            [(SeatStatus.Held, SeatStatus.Confirmed), (SeatStatus.Confirmed, SeatStatus.Available), (SeatStatus.Available, SeatStatus.Offered), (SeatStatus.Offered, SeatStatus.Confirmed)],
            seatEvents.Skip(1).Select(e => (e.From, e.To)));
        Assert.Equal(("waitlist", "ANYANY-1"), (seatEvents[^1].Actor, seatEvents[^1].PassengerId));
    }

    [Fact]
    public async Task The_passenger_is_notified_in_the_booking_inbox()
    {
        var flight = await FullBusinessFlightAsync();
        var pnr = SampleLayouts.NewPnr();
        (await JoinAsync(flight, SeatPreference.Any, $"{pnr}-1")).Ok();

        (await _grains.ReleaseAsync(flight, Owner("3D"), "3D")).Ok();
        await UntilStatusAsync(flight, $"{pnr}-1", WaitlistStatus.Assigned);

        var inbox = await Eventually.Until(() => _grains.GetNotificationInboxGrain(pnr).ListAsync(0, 10), n => n.Count == 2, "two notifications");
        Assert.Equal([1L, 2L], inbox.Select(n => n.Sequence));
        Assert.Equal([NotificationTypes.WaitlistJoined, NotificationTypes.SeatAssigned], inbox.Select(n => n.Notification.Type));
        Assert.Equal(["3D"], inbox[1].Notification.Seats);
        Assert.Contains("3D", inbox[1].Notification.Message, StringComparison.Ordinal);
        Assert.Single(await _grains.GetNotificationInboxGrain(pnr).ListAsync(1, 10));
    }

    [Fact]
    public async Task Joining_while_a_suitable_seat_is_free_assigns_it_at_once()
    {
        var flight = await FullBusinessFlightAsync(except: "3A");

        var entry = (await JoinAsync(flight, SeatPreference.Window, "NOWNOW-1")).Ok();

        Assert.Equal((WaitlistStatus.Assigned, null), (entry.Status, entry.PlaceInLine));
        Assert.Equal(["3A"], entry.AssignedSeats);
        Assert.Equal((SeatStatus.Confirmed, "NOWNOW-1"), ((await _grains.SeatAsync(flight, "3A")).Status, (await _grains.SeatAsync(flight, "3A")).PassengerId));
    }

    [Fact]
    public async Task Joining_twice_returns_the_same_entry()
    {
        var flight = await FullBusinessFlightAsync();
        var first = (await JoinAsync(flight, SeatPreference.Window, "TWICE1-1")).Ok();

        var second = (await JoinAsync(flight, SeatPreference.Aisle, "TWICE1-1")).Ok();

        Assert.Equal((first.Sequence, SeatPreference.Window), (second.Sequence, second.Position));
        Assert.Single(await _grains.GetWaitlistGrain(flight).ListAsync());
    }

    [Fact]
    public async Task A_passenger_waits_in_one_entry_at_a_time()
    {
        var flight = await FullBusinessFlightAsync();
        (await JoinAsync(flight, SeatPreference.Any, "SOLO01-1")).Ok();

        (await JoinAsync(flight, SeatPreference.Any, "SOLO01-1", "SOLO01-2")).Refused(FailureCode.AlreadyWaitlisted);
    }

    [Fact]
    public async Task The_waitlist_itself_decides_who_may_join_and_names_the_request_field_at_fault()
    {
        var flight = await FullBusinessFlightAsync();
        var waitlist = _grains.GetWaitlistGrain(flight);
        var economy = SampleLayouts.NewPnr();
        await BookAsync(flight, economy, Cabin.Economy, passengers: 2);
        var (first, second) = ($"{economy}-1", $"{economy}-2");
        var wide = SampleLayouts.NewPnr();
        await BookAsync(flight, wide, Cabin.Business, passengers: 5);

        Refused(await waitlist.JoinAsync(new WaitlistJoin(economy, [first, "NOTHER-1"], null, SeatPreference.Any), Commands.By(first)), FailureCode.NotOnFlight, "togetherWith[0]");
        Refused(await waitlist.JoinAsync(new WaitlistJoin(SampleLayouts.NewPnr(), [first], null, SeatPreference.Any), Commands.By(first)), FailureCode.NotOnFlight, "passengerId");
        Refused(await waitlist.JoinAsync(new WaitlistJoin(economy, [first], Cabin.Business, SeatPreference.Any), Commands.By(first)), FailureCode.CabinNotBooked, "cabin");
        // Business rows seat four (AC_DF): five together cannot sit in one.
        var five = Enumerable.Range(1, 5).Select(i => $"{wide}-{i}").ToList();
        Refused(await waitlist.JoinAsync(new WaitlistJoin(wide, five, null, SeatPreference.Any), Commands.By(five[0])), FailureCode.ValidationFailed, "togetherWith");

        // A window seat already suits a window seeker; a pair already in one row is already together.
        (await _grains.HoldAsync(flight, first, "10A")).Ok();
        Refused(await waitlist.JoinAsync(new WaitlistJoin(economy, [first], null, SeatPreference.Window), Commands.By(first)), FailureCode.PreferenceAlreadyMet, "position");
        (await _grains.HoldAsync(flight, second, "10B")).Ok();
        Refused(await waitlist.JoinAsync(new WaitlistJoin(economy, [first, second], null, SeatPreference.Any), Commands.By(first)), FailureCode.PreferenceAlreadyMet, "togetherWith");

        // Waiting in one entry, a passenger cannot join another; the refusal names where the request named them.
        var waiting = (await waitlist.JoinAsync(new WaitlistJoin(wide, [five[0]], null, SeatPreference.Any), Commands.By(five[0]))).Ok();
        Assert.Equal((WaitlistStatus.Waiting, Cabin.Business), (waiting.Status, waiting.Cabin));
        Refused(await waitlist.JoinAsync(new WaitlistJoin(wide, [five[1], five[0]], null, SeatPreference.Any), Commands.By(five[1])), FailureCode.AlreadyWaitlisted, "togetherWith[0]");
        Assert.Single(await waitlist.ListAsync());
    }

    [Fact]
    public async Task A_seat_that_suits_nobody_becomes_available_to_anyone()
    {
        var flight = await FullBusinessFlightAsync();
        (await JoinAsync(flight, SeatPreference.Window, "PICKY1-1")).Ok();

        var released = (await _grains.ReleaseAsync(flight, Owner("1D"), "1D")).Ok();
        Assert.Equal(SeatStatus.Offered, released.Status);

        await Eventually.Until(() => _grains.SeatAsync(flight, "1D"), s => s.Status == SeatStatus.Available, "the offer of an aisle seat to end");
        (await _grains.HoldAsync(flight, "WALKIN", "1D")).Ok();
        Assert.Equal(WaitlistStatus.Waiting, (await _grains.GetWaitlistGrain(flight).GetAsync("PICKY1-1")).Ok().Status);
    }

    [Fact]
    public async Task Nobody_can_hold_a_freed_seat_before_the_waitlist_has_decided()
    {
        var flight = await FullBusinessFlightAsync();
        (await JoinAsync(flight, SeatPreference.Any, "FIRST1-1")).Ok();

        (await _grains.ReleaseAsync(flight, Owner("2C"), "2C")).Ok();
        var jumper = await _grains.HoldAsync(flight, "JUMPER", "2C");

        // Released means OFFERED (written before the release answered) or already assigned: never holdable.
        jumper.Refused(FailureCode.SeatUnavailable);
        await UntilStatusAsync(flight, "FIRST1-1", WaitlistStatus.Assigned);
        Assert.Equal("FIRST1-1", (await _grains.SeatAsync(flight, "2C")).PassengerId);
    }

    [Fact]
    public async Task An_expired_hold_goes_to_the_waitlist_even_when_a_hold_arrives_first()
    {
        var flight = await FullBusinessFlightAsync(except: "3F");
        (await _grains.HoldAsync(flight, "SLOW", "3F")).Ok();
        (await JoinAsync(flight, SeatPreference.Window, "PATIEN-1")).Ok();

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));
        var racer = await _grains.HoldAsync(flight, "RACER", "3F");

        racer.Refused(FailureCode.SeatUnavailable);
        Assert.Equal(["3F"], (await UntilStatusAsync(flight, "PATIEN-1", WaitlistStatus.Assigned)).AssignedSeats);
        (await _grains.ConfirmAsync(flight, "SLOW", "3F")).Refused(FailureCode.HoldExpired);
    }

    [Fact]
    public async Task An_assignment_releases_the_passengers_previous_seat_which_goes_down_the_line()
    {
        var flight = await FullBusinessFlightAsync();
        // 1C's owner wants a window instead; behind them someone takes anything.
        (await JoinAsync(flight, SeatPreference.Window, Owner("1C"))).Ok();
        (await JoinAsync(flight, SeatPreference.Any, "NEXT01-1")).Ok();

        (await _grains.ReleaseAsync(flight, Owner("1A"), "1A")).Ok();

        Assert.Equal(["1A"], (await UntilStatusAsync(flight, Owner("1C"), WaitlistStatus.Assigned)).AssignedSeats);
        Assert.Equal(["1C"], (await UntilStatusAsync(flight, "NEXT01-1", WaitlistStatus.Assigned)).AssignedSeats);
        Assert.Equal((SeatStatus.Confirmed, Owner("1C")), await OwnerOfAsync(flight, "1A"));
        Assert.Equal((SeatStatus.Confirmed, "NEXT01-1"), await OwnerOfAsync(flight, "1C"));
        Assert.Equal("1A", await _grains.GetPassengerSeatGrain(flight, Owner("1C")).GetSeatNumberAsync());
    }

    [Fact]
    public async Task Many_seats_freed_at_once_while_holds_race_are_each_assigned_once()
    {
        var flight = await FullBusinessFlightAsync();
        var waiters = Enumerable.Range(1, 6).Select(i => $"WAIT0{i}-1").ToList();
        foreach (var w in waiters)
        {
            (await JoinAsync(flight, SeatPreference.Any, w)).Ok();
        }
        var freed = Business.Take(8).ToList();

        var releases = freed.Select(s => _grains.ReleaseAsync(flight, Owner(s), s));
        var holds = freed.SelectMany(s => Enumerable.Range(1, 3).Select(i => _grains.HoldAsync(flight, $"RACE{i}-{s}", s)));
        await Task.WhenAll([.. releases, .. holds]);

        var entries = await Task.WhenAll(waiters.Select(w => UntilStatusAsync(flight, w, WaitlistStatus.Assigned)));
        var assigned = entries.Select(e => Assert.Single(e.AssignedSeats)).ToList();
        Assert.Equal(6, assigned.Distinct().Count());
        Assert.All(assigned, s => Assert.Contains(s, freed));
        foreach (var (entry, seat) in entries.Zip(assigned))
        {
            Assert.Equal((SeatStatus.Confirmed, entry.PassengerIds[0]), await OwnerOfAsync(flight, seat));
        }
        // The two seats nobody waited for end up with a racer or free; none stays OFFERED, none has two owners.
        var rest = await Task.WhenAll(freed.Except(assigned).Select(s => Eventually.Until(() => _grains.SeatAsync(flight, s), x => x.Status != SeatStatus.Offered, $"{s} to leave OFFERED")));
        Assert.All(rest, s => Assert.True(s.Status is SeatStatus.Available or SeatStatus.Held, $"{s.SeatNumber} is {s.Status}"));
        var owners = await Task.WhenAll(Business.Select(s => _grains.SeatAsync(flight, s)));
        Assert.Equal(owners.Count(o => o.PassengerId is not null), owners.Select(o => o.PassengerId).Where(p => p is not null).Distinct().Count());
    }

    [Fact]
    public async Task A_group_is_served_all_at_once_in_one_row_and_a_single_behind_it_is_not_held_up()
    {
        var flight = await FullBusinessFlightAsync();
        (await JoinAsync(flight, SeatPreference.Any, "GROUP1-1", "GROUP1-2", "GROUP1-3")).Ok();
        (await JoinAsync(flight, SeatPreference.Any, "SINGLE-1")).Ok();

        // One free seat cannot seat three: the single behind the group gets it.
        (await _grains.ReleaseAsync(flight, Owner("1D"), "1D")).Ok();
        Assert.Equal(["1D"], (await UntilStatusAsync(flight, "SINGLE-1", WaitlistStatus.Assigned)).AssignedSeats);

        // Two free seats in row 2 are still too few; they become available to anyone meanwhile.
        (await _grains.ReleaseAsync(flight, Owner("2A"), "2A")).Ok();
        (await _grains.ReleaseAsync(flight, Owner("2C"), "2C")).Ok();
        await Eventually.Until(() => _grains.SeatAsync(flight, "2C"), s => s.Status == SeatStatus.Available, "2C to be handed back");
        Assert.Equal(WaitlistStatus.Waiting, (await _grains.GetWaitlistGrain(flight).GetAsync("GROUP1-2")).Ok().Status);

        // The third seat in the row completes it: the waitlist claims the two free ones and seats the group.
        (await _grains.ReleaseAsync(flight, Owner("2D"), "2D")).Ok();
        var group = await UntilStatusAsync(flight, "GROUP1-3", WaitlistStatus.Assigned);
        Assert.Equal(["2A", "2C", "2D"], group.AssignedSeats);
        Assert.Equal((SeatStatus.Confirmed, "GROUP1-1"), await OwnerOfAsync(flight, "2A"));
        Assert.Equal((SeatStatus.Confirmed, "GROUP1-2"), await OwnerOfAsync(flight, "2C"));
        Assert.Equal((SeatStatus.Confirmed, "GROUP1-3"), await OwnerOfAsync(flight, "2D"));
    }

    [Fact]
    public async Task Leaving_the_line_stops_offers_and_repeats_answer_the_same()
    {
        var flight = await FullBusinessFlightAsync();
        (await JoinAsync(flight, SeatPreference.Any, "LEAVER-1")).Ok();

        var left = (await _grains.GetWaitlistGrain(flight).LeaveAsync("LEAVER-1", Commands.By("LEAVER-1"))).Ok();
        var again = (await _grains.GetWaitlistGrain(flight).LeaveAsync("LEAVER-1", Commands.By("LEAVER-1"))).Ok();

        Assert.Equal((WaitlistStatus.Left, WaitlistStatus.Left), (left.Status, again.Status));
        Assert.False(await _grains.GetWaitlistDemandGrain(flight).HasDemandAsync(Cabin.Business));
        Assert.Equal(SeatStatus.Available, (await _grains.ReleaseAsync(flight, Owner("3C"), "3C")).Ok().Status);
        (await _grains.GetWaitlistGrain(flight).LeaveAsync("NOBODY", Commands.By("NOBODY"))).Refused(FailureCode.WaitlistEntryNotFound);
    }

    [Fact]
    public async Task An_assigned_entry_cannot_be_left()
    {
        var flight = await FullBusinessFlightAsync(except: "1F");
        (await JoinAsync(flight, SeatPreference.Any, "DONE01-1")).Ok();

        (await _grains.GetWaitlistGrain(flight).LeaveAsync("DONE01-1", Commands.By("DONE01-1"))).Refused(FailureCode.WaitlistEntryClosed);
    }

    [Fact]
    public async Task A_checked_in_passenger_is_moved_with_their_lock_and_their_old_seat_goes_to_the_next()
    {
        var flight = await FullBusinessFlightAsync();
        var locked = Owner("3A");
        (await _grains.GetPassengerSeatGrain(flight, locked).ConfirmForCheckInAsync("3A", Commands.By(locked))).Ok();
        (await JoinAsync(flight, SeatPreference.Aisle, locked)).Ok();
        (await JoinAsync(flight, SeatPreference.Any, "BEHIND-1")).Ok();

        (await _grains.ReleaseAsync(flight, Owner("3C"), "3C")).Ok();

        Assert.Equal(["3C"], (await UntilStatusAsync(flight, locked, WaitlistStatus.Assigned)).AssignedSeats);
        Assert.Equal(["3A"], (await UntilStatusAsync(flight, "BEHIND-1", WaitlistStatus.Assigned)).AssignedSeats);
        Assert.Equal((SeatStatus.Confirmed, locked), await OwnerOfAsync(flight, "3C"));
        Assert.Equal((SeatStatus.Confirmed, "BEHIND-1"), await OwnerOfAsync(flight, "3A"));
        // Still locked by the check-in, now on the new seat.
        (await _grains.ReleaseAsync(flight, locked, "3C")).Refused(FailureCode.CheckinCompleted);
    }

    [Fact]
    public async Task A_seat_given_up_by_a_cancelled_check_in_goes_to_the_line()
    {
        var flight = await FullBusinessFlightAsync();
        var checkedIn = Owner("2D");
        (await _grains.GetPassengerSeatGrain(flight, checkedIn).ConfirmForCheckInAsync("2D", Commands.By(checkedIn))).Ok();
        (await JoinAsync(flight, SeatPreference.Aisle, "AFTER1-1")).Ok();

        (await _grains.GetPassengerSeatGrain(flight, checkedIn).ReleaseForCheckInAsync("2D", Commands.By(checkedIn))).Ok();

        Assert.Equal(["2D"], (await UntilStatusAsync(flight, "AFTER1-1", WaitlistStatus.Assigned)).AssignedSeats);
        Assert.Null(await _grains.GetPassengerSeatGrain(flight, checkedIn).GetSeatNumberAsync());
    }

    [Fact]
    public async Task Entries_expire_when_check_in_closes()
    {
        // Check-in closes 45 minutes before departure: this flight closes a minute from now.
        var flight = await FullBusinessFlightAsync(departure: fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(46));
        (await JoinAsync(flight, SeatPreference.Any, "LATE01-1")).Ok();

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(2));

        var entry = (await _grains.GetWaitlistGrain(flight).GetAsync("LATE01-1")).Ok();
        Assert.Equal((WaitlistStatus.Expired, null), (entry.Status, entry.PlaceInLine));
        Assert.False(await _grains.GetWaitlistDemandGrain(flight).HasDemandAsync(Cabin.Business));
        (await JoinAsync(flight, SeatPreference.Any, "LATER1-1")).Refused(FailureCode.CheckinClosed);
        Assert.Contains(await fixture.WaitlistAuditLog.QueryAsync(flight, 10), e => e.Action == "EXPIRED");
    }

    [Fact]
    public async Task An_operator_blocks_and_unblocks_free_seats_only()
    {
        var flight = await FullBusinessFlightAsync();
        var seat = _grains.GetSeatGrain(flight, "30A");
        Assert.Equal(SeatStatus.Blocked, (await seat.GetAsync()).Ok().Status);
        (await _grains.GetSeatGrain(flight, "1A").BlockAsync(Commands.By("ops"))).Refused(FailureCode.SeatOccupied);

        // Nobody waits for economy: an unblocked seat is simply free.
        Assert.Equal(SeatStatus.Available, (await seat.UnblockAsync(Commands.By("ops"))).Ok().Status);
        (await _grains.HoldAsync(flight, "ECO", "30A")).Ok();
        (await seat.BlockAsync(Commands.By("ops"))).Refused(FailureCode.SeatOccupied);
        (await _grains.ReleaseAsync(flight, "ECO", "30A")).Ok();
        (await seat.BlockAsync(Commands.By("ops"))).Ok();
        Assert.Equal(SeatStatus.Blocked, (await seat.GetAsync()).Ok().Status);
        (await _grains.HoldAsync(flight, "NOPE", "30A")).Refused(FailureCode.SeatUnavailable);
    }

    [Fact]
    public async Task A_blocked_seat_unblocked_while_someone_waits_is_assigned_to_them()
    {
        var flight = await FullBusinessFlightAsync();
        (await _grains.GetSeatGrain(flight, "1F").BlockAsync(Commands.By("ops"))).Refused(FailureCode.SeatOccupied);
        (await _grains.ReleaseAsync(flight, Owner("1F"), "1F")).Ok();
        (await _grains.GetSeatGrain(flight, "1F").BlockAsync(Commands.By("ops"))).Ok();
        (await JoinAsync(flight, SeatPreference.Window, "UNBLK1-1")).Ok();

        var unblocked = (await _grains.GetSeatGrain(flight, "1F").UnblockAsync(Commands.By("ops"))).Ok();

        Assert.NotEqual(SeatStatus.Available, unblocked.Status);
        Assert.Equal(["1F"], (await UntilStatusAsync(flight, "UNBLK1-1", WaitlistStatus.Assigned)).AssignedSeats);
    }

    [Fact]
    public async Task An_offer_whose_message_was_lost_is_picked_up_by_the_backstops()
    {
        var flight = await FullBusinessFlightAsync(except: "2F");
        (await JoinAsync(flight, SeatPreference.Aisle, "AISLE1-1")).Ok();
        // The entry was not served by the free window seat. Reserve that seat for the line by hand, as a seat whose
        // SeatOffered message died with a silo would be: nobody hears of it.
        (await _grains.GetSeatGrain(flight, "2F").ClaimForWaitlistAsync(Commands.By("test"))).Ok();
        (await _grains.ReleaseAsync(flight, Owner("3D"), "3D")).Ok();
        await UntilStatusAsync(flight, "AISLE1-1", WaitlistStatus.Assigned);

        // The seat's retry timer (or the waitlist's sweep) hands the unwanted window seat back.
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(6));
        await Eventually.Until(() => _grains.SeatAsync(flight, "2F"), s => s.Status == SeatStatus.Available, "the lost offer to be answered");
    }

    [Fact]
    public async Task An_assignment_a_crash_interrupted_is_finished_once_by_the_next_activation()
    {
        var flight = await FullBusinessFlightAsync();
        (await _grains.ReleaseAsync(flight, Owner("1C"), "1C")).Ok();
        // A window seeker: the free aisle seat 1C does not suit them, so they wait.
        (await JoinAsync(flight, SeatPreference.Window, "CRASH1-1")).Ok();
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "1C")).Status);

        // What a crash leaves when it strikes after the waitlist wrote its decision and before the passenger moved:
        // the seat OFFERED to the line and the assignment pending in the waitlist's state, no activation of either.
        var waitlist = _grains.GetWaitlistGrain(flight);
        var seat = _grains.GetSeatGrain(flight, "1C");
        await fixture.DeactivateAsync(waitlist);
        await fixture.DeactivateAsync(seat);
        await RewriteAsync<SeatState>("seat", seat, s => s.Record = s.Record with { Status = SeatStatus.Offered, Version = s.Record.Version + 1 });
        await RewriteAsync<WaitlistState>("waitlist", waitlist, s => s.Pending.Add(new PendingAssignment(s.Entries.Single().Sequence, ["1C"], "crash-test")));

        var entry = (await waitlist.GetAsync("CRASH1-1")).Ok();

        Assert.Equal((WaitlistStatus.Assigned, "1C"), (entry.Status, Assert.Single(entry.AssignedSeats)));
        Assert.Equal((SeatStatus.Confirmed, "CRASH1-1"), await OwnerOfAsync(flight, "1C"));
        // The seat re-offers itself on activation; that late repeat must change nothing.
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(6));
        Assert.Equal((WaitlistStatus.Assigned, 1), ((await waitlist.GetAsync("CRASH1-1")).Ok().Status, (await fixture.WaitlistAuditLog.QueryAsync(flight, 100)).Count(e => e.Action == "ASSIGNED")));
        Assert.Equal((SeatStatus.Confirmed, "CRASH1-1"), await OwnerOfAsync(flight, "1C"));
        Assert.Single(await fixture.AuditLog.QueryAsync(flight, "1C", 100), e => e.To == SeatStatus.Confirmed && e.PassengerId == "CRASH1-1");
    }

    private async Task RewriteAsync<TState>(string stateName, IAddressable grain, Action<TState> change)
        where TState : class, new()
    {
        var stored = new GrainState<TState>(new TState());
        await fixture.Storage.ReadStateAsync(stateName, grain.GetGrainId(), stored);
        change(stored.State!);
        await fixture.Storage.WriteStateAsync(stateName, grain.GetGrainId(), stored);
    }

    private async Task<string> FullBusinessFlightAsync(string? except = null, DateTimeOffset? departure = null)
    {
        // Inside the check-in window (it opens 24 h before departure), whatever the shared fake clock says.
        var flight = await _grains.CreateFlightAsync(departure ?? fixture.Time.GetUtcNow() + TimeSpan.FromHours(3));
        await Task.WhenAll(Business.Where(s => s != except).Select(async s =>
        {
            (await _grains.HoldAsync(flight, Owner(s), s)).Ok();
            (await _grains.ConfirmAsync(flight, Owner(s), s)).Ok();
        }));
        return flight;
    }

    /// <summary>Booking-shaped ids ({PNR}-1), so that a seat owner can join the line too.</summary>
    private static string Owner(string seat) => $"OWN{seat}X-1";

    /// <summary>
    /// Joins as the first passenger's booking (passenger ids are {PNR}-{n}); the booking — three business passengers
    /// on the flight — is created first if it does not exist.
    /// </summary>
    private async Task<Result<WaitlistEntry>> JoinAsync(string flight, SeatPreference position, params string[] passengers)
    {
        var pnr = passengers[0][..passengers[0].IndexOf('-', StringComparison.Ordinal)];
        await BookAsync(flight, pnr, Cabin.Business);
        return await _grains.GetWaitlistGrain(flight).JoinAsync(new WaitlistJoin(pnr, passengers, Cabin.Business, position), Commands.By(passengers[0]));
    }

    private async Task BookAsync(string flight, string pnr, Cabin cabin, int passengers = 3)
    {
        if (await _grains.GetBookingGrain(pnr).GetAsync() is null)
        {
            var names = Enumerable.Range(1, passengers).Select(i => new PassengerName($"Pax{i}", "Waiting", cabin)).ToList();
            (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, names, [flight]))).Ok();
        }
    }

    private static void Refused(Result<WaitlistEntry> result, FailureCode code, string field)
    {
        Assert.False(result.IsSuccess, $"expected {code} on {field}, got {result.Value}");
        Assert.Equal((code, field), (result.Error.Code, result.Error.Field));
    }

    private Task<WaitlistEntry> UntilStatusAsync(string flight, string passengerId, WaitlistStatus status) =>
        Eventually.Until(async () => (await _grains.GetWaitlistGrain(flight).GetAsync(passengerId)).Ok(), e => e.Status == status, $"{passengerId}'s entry to be {status}");

    private async Task<(SeatStatus, string?)> OwnerOfAsync(string flight, string seat)
    {
        var s = await _grains.SeatAsync(flight, seat);
        return (s.Status, s.PassengerId);
    }
}
