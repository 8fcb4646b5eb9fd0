using System.Globalization;
using CheckIn.Contracts;
using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Audit;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>
/// The seat-locking rule on a cluster with the default limits: more than 10 hold cycles (a HELD seat let go by the
/// passenger's release or next hold) within 10 minutes → no holds for 10 minutes. Time is the fixture's fake clock.
/// </summary>
[Collection(CooldownClusterCollection.Name)]
public sealed class HoldCooldownTests(CooldownClusterFixture fixture)
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(10);
    private static readonly string[] Business = ["1A", "1C", "1D", "1F", "2A", "2C", "2D", "2F", "3A", "3C", "3D", "3F"];

    private readonly IGrainFactory _grains = fixture.Grains;

    /// <summary>Holds seat 29A and releases it, <paramref name="times"/> times: one cycle each.</summary>
    private async Task ReleaseCyclesAsync(string flight, string passenger, int times)
    {
        for (var i = 0; i < times; i++)
        {
            (await _grains.HoldAsync(flight, passenger, "29A")).Ok();
            (await _grains.ReleaseAsync(flight, passenger, "29A")).Ok();
        }
    }

    private static DateTimeOffset RetryAt(Error error) =>
        DateTimeOffset.Parse(error.Extensions!["retryAt"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    [Fact]
    public async Task Ten_cycles_leave_holding_open_and_the_eleventh_starts_the_cooldown()
    {
        var flight = await _grains.CreateFlightAsync();
        await ReleaseCyclesAsync(flight, "CYCL10-1", 5);
        // Holding the next seat lets go of the held one: a cycle too (29B is a first seat, the next four are cycles).
        foreach (var seat in new[] { "29B", "29C", "29D", "29E", "29F" })
        {
            (await _grains.HoldAsync(flight, "CYCL10-1", seat)).Ok();
        }

        // 29B..29E let go of 4 held seats: 9 cycles so far; 28A lets go of 29F: the tenth.
        var tenth = (await _grains.HoldAsync(flight, "CYCL10-1", "28A")).Ok();
        Assert.Equal(SeatStatus.Held, tenth.Status);
        Assert.Empty(await fixture.AbuseIncidents.QueryAsync(new IncidentQuery(null, null, $"passenger:{flight}/CYCL10-1", null, 10)));

        // The eleventh: this move succeeds (the new seat is taken), the next hold is refused.
        var now = fixture.Time.GetUtcNow();
        (await _grains.HoldAsync(flight, "CYCL10-1", "28B")).Ok();
        var refused = await _grains.HoldAsync(flight, "CYCL10-1", "28C");

        refused.Refused(FailureCode.HoldCooldown);
        Assert.Equal(now + Cooldown, RetryAt(refused.Error!));
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "28C")).Status);
        // Confirming and releasing the seat held stay open.
        (await _grains.ConfirmAsync(flight, "CYCL10-1", "28B")).Ok();
        (await _grains.ReleaseAsync(flight, "CYCL10-1", "28B")).Ok();
    }

    [Fact]
    public async Task The_cooldown_is_recorded_as_an_incident_before_the_command_answers()
    {
        var flight = await _grains.CreateFlightAsync();
        var now = fixture.Time.GetUtcNow();

        await ReleaseCyclesAsync(flight, "INCD01-1", 11);

        var incident = Assert.Single(await fixture.AbuseIncidents.QueryAsync(new IncidentQuery(null, null, $"passenger:{flight}/INCD01-1", null, 10)));
        Assert.Equal(AbuseRule.HoldCycles, incident.Rule);
        Assert.Equal(IncidentDecision.HoldCooldown, incident.Decision);
        Assert.Equal(11, incident.ObservedCount);
        Assert.Equal(TimeSpan.FromMinutes(10), incident.Window);
        Assert.Equal(now, incident.At);
        Assert.Equal(now + Cooldown, incident.ExpiresAt);
        Assert.Equal("system", incident.Actor);
        Assert.Equal(incident.ExpiresAt, RetryAt((await _grains.HoldAsync(flight, "INCD01-1", "29A")).Error!));
    }

    [Fact]
    public async Task An_incident_the_log_refused_is_appended_by_the_next_activation()
    {
        var flight = await _grains.CreateFlightAsync();
        var client = $"passenger:{flight}/RTRY01-1";
        await ReleaseCyclesAsync(flight, "RTRY01-1", 10);
        (await _grains.HoldAsync(flight, "RTRY01-1", "29A")).Ok();

        using (fixture.AbuseIncidents.Fail(client))
        {
            // The eleventh cycle: the cooldown is stored, the incident cannot be appended, so the command fails.
            await Assert.ThrowsAsync<InvalidOperationException>(() => _grains.ReleaseAsync(flight, "RTRY01-1", "29A"));
        }
        Assert.Empty(await fixture.AbuseIncidents.OfAsync(client));
        (await _grains.HoldAsync(flight, "RTRY01-1", "29B")).Refused(FailureCode.HoldCooldown);

        await fixture.DeactivateAsync(_grains.GetPassengerSeatGrain(flight, "RTRY01-1"));
        (await _grains.HoldAsync(flight, "RTRY01-1", "29B")).Refused(FailureCode.HoldCooldown);

        var incident = Assert.Single(await fixture.AbuseIncidents.OfAsync(client));
        Assert.Equal((AbuseRule.HoldCycles, IncidentDecision.HoldCooldown, 11), (incident.Rule, incident.Decision, incident.ObservedCount));
    }

    [Fact]
    public async Task The_cooldown_ends_after_ten_minutes_and_survives_a_reactivation()
    {
        var flight = await _grains.CreateFlightAsync();
        await ReleaseCyclesAsync(flight, "ENDS01-1", 11);

        await fixture.DeactivateAsync(_grains.GetPassengerSeatGrain(flight, "ENDS01-1"));
        await fixture.AdvanceAsync(Cooldown - TimeSpan.FromSeconds(1));
        (await _grains.HoldAsync(flight, "ENDS01-1", "29A")).Refused(FailureCode.HoldCooldown);

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(SeatStatus.Held, (await _grains.HoldAsync(flight, "ENDS01-1", "29A")).Ok().Status);
        // The count starts afresh: one more cycle does not start another cooldown.
        (await _grains.ReleaseAsync(flight, "ENDS01-1", "29A")).Ok();
        (await _grains.HoldAsync(flight, "ENDS01-1", "29A")).Ok();
    }

    [Fact]
    public async Task Cycles_older_than_ten_minutes_do_not_count()
    {
        var flight = await _grains.CreateFlightAsync();
        await ReleaseCyclesAsync(flight, "WNDW01-1", 10);

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(10));
        await ReleaseCyclesAsync(flight, "WNDW01-1", 10);
        (await _grains.HoldAsync(flight, "WNDW01-1", "29A")).Ok();

        (await _grains.ReleaseAsync(flight, "WNDW01-1", "29A")).Ok();
        (await _grains.HoldAsync(flight, "WNDW01-1", "29A")).Refused(FailureCode.HoldCooldown);
    }

    [Fact]
    public async Task Letting_go_of_a_confirmed_seat_is_not_a_cycle()
    {
        var flight = await _grains.CreateFlightAsync();
        // Confirmed, then released; confirmed, then moved off by the next hold: none of these count.
        for (var i = 0; i < 6; i++)
        {
            (await _grains.HoldAsync(flight, "CONF11-1", "29A")).Ok();
            (await _grains.ConfirmAsync(flight, "CONF11-1", "29A")).Ok();
            (await _grains.ReleaseAsync(flight, "CONF11-1", "29A")).Ok();
            (await _grains.HoldAsync(flight, "CONF11-1", "29B")).Ok();
            (await _grains.ConfirmAsync(flight, "CONF11-1", "29B")).Ok();
            (await _grains.HoldAsync(flight, "CONF11-1", "29C")).Ok();
            (await _grains.ConfirmAsync(flight, "CONF11-1", "29C")).Ok();
            (await _grains.ReleaseAsync(flight, "CONF11-1", "29C")).Ok();
        }
        // A seat confirmed after a move (stored as held by the move), released by a new activation, is not counted either.
        (await _grains.HoldAsync(flight, "CONF11-1", "29D")).Ok();
        (await _grains.ConfirmAsync(flight, "CONF11-1", "29D")).Ok();
        (await _grains.HoldAsync(flight, "CONF11-1", "29E")).Ok();
        (await _grains.ConfirmAsync(flight, "CONF11-1", "29E")).Ok();
        await fixture.DeactivateAsync(_grains.GetPassengerSeatGrain(flight, "CONF11-1"));
        (await _grains.ReleaseAsync(flight, "CONF11-1", "29E")).Ok();

        await ReleaseCyclesAsync(flight, "CONF11-1", 10);
        (await _grains.HoldAsync(flight, "CONF11-1", "29A")).Ok();
        (await _grains.ReleaseAsync(flight, "CONF11-1", "29A")).Ok();
        (await _grains.HoldAsync(flight, "CONF11-1", "29A")).Refused(FailureCode.HoldCooldown);
    }

    [Fact]
    public async Task A_waitlist_assignment_is_not_a_cycle()
    {
        // Business full (rows 1-3, AC_DF), departing inside the check-in window whatever the fake clock says.
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(3));
        await Task.WhenAll(Business.Select(async s =>
        {
            (await _grains.HoldAsync(flight, $"OWN{s}X-1", s)).Ok();
            (await _grains.ConfirmAsync(flight, $"OWN{s}X-1", s)).Ok();
        }));
        (await _grains.GetBookingGrain("WAIT11").CreateAsync(new BookingDefinition("WAIT11", [new PassengerName("Pax", "Waiting", Cabin.Business)], [flight]))).Ok();
        (await _grains.HoldAsync(flight, "WAIT11-1", "29A")).Ok();
        (await _grains.GetWaitlistGrain(flight).JoinAsync(new WaitlistJoin("WAIT11", ["WAIT11-1"], Cabin.Business, SeatPreference.Any), Commands.By("WAIT11-1"))).Ok();

        // The waitlist moves the passenger off their held 29A onto 1C: not a cycle of theirs.
        (await _grains.ReleaseAsync(flight, "OWN1CX-1", "1C")).Ok();
        await Eventually.Until(() => _grains.SeatAsync(flight, "29A"), seat => seat.Status == SeatStatus.Available, "the waitlist to move WAIT11-1 off 29A");
        Assert.Equal((SeatStatus.Confirmed, "WAIT11-1"), ((await _grains.SeatAsync(flight, "1C")).Status, (await _grains.SeatAsync(flight, "1C")).PassengerId));

        // Holding 29A moves off the assigned (confirmed) 1C: not a cycle either; releasing 29A is the first.
        await ReleaseCyclesAsync(flight, "WAIT11-1", 10);
        (await _grains.HoldAsync(flight, "WAIT11-1", "29A")).Ok();
        (await _grains.ReleaseAsync(flight, "WAIT11-1", "29A")).Ok();
        (await _grains.HoldAsync(flight, "WAIT11-1", "29A")).Refused(FailureCode.HoldCooldown);
    }
}
