using CheckIn.Contracts;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;
using CheckIn.Grains.Tests.Telemetry;
using CheckIn.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>
/// The flight's one reminder backs up every hold (issue 16: no reminder row per seat). With the seat and the seat map
/// deactivated (no grain timer, no sweep), only the backstop's reminder can expire a hold.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HoldBackstopTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_hold_arms_the_flights_reminder_and_registers_none_of_its_own()
    {
        var flight = await _grains.CreateFlightAsync();
        var now = fixture.Time.GetUtcNow();

        (await _grains.HoldAsync(flight, "BKST01-1", "8A")).Ok();
        (await _grains.HoldAsync(flight, "BKST02-1", "8B")).Ok();

        Assert.Empty(await fixture.RemindersAsync(_grains.GetSeatGrain(flight, "8A")));
        Assert.Empty(await fixture.RemindersAsync(_grains.GetSeatGrain(flight, "8B")));
        // One reminder for the flight, first due just after the first hold's expiry.
        Assert.Equal(["holds"], await fixture.RemindersAsync(_grains.GetHoldBackstopGrain(flight)));
        Assert.Equal(now + ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1), await fixture.ReminderDueAsync(_grains.GetHoldBackstopGrain(flight), "holds"));
    }

    [Fact]
    public async Task A_hold_whose_seat_and_map_are_gone_expires_at_the_backstops_tick_and_the_reminder_then_goes()
    {
        using var lag = fixture.Collect<double>("checkin.seat.hold_expiry_lag");
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "BKST03-1", "9A")).Ok();
        await AssertExpiresWithoutSeatOrMapAsync(flight, "9A", lag, "the backstop");

        // Nothing open any more: a tick after a hold's lifetime and a minute without arming drops the reminder.
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(1));
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Eventually.Until(() => fixture.RemindersAsync(_grains.GetHoldBackstopGrain(flight)), r => r.Count == 0, "the backstop's reminder to go");
    }

    [Fact]
    public async Task A_hold_while_the_flights_backstop_does_not_answer_succeeds_backed_by_a_reminder_of_the_seats_own_which_goes_after_its_tick()
    {
        using var lag = fixture.Collect<double>("checkin.seat.hold_expiry_lag");
        var flight = await _grains.CreateFlightAsync();
        using (fixture.UnreachableBackstops.Block(flight))
        {
            (await _grains.HoldAsync(flight, "BKST06-1", "11A")).Ok();
        }
        Assert.Equal(["hold-expiry"], await fixture.RemindersAsync(_grains.GetSeatGrain(flight, "11A")));
        Assert.Empty(await fixture.RemindersAsync(_grains.GetHoldBackstopGrain(flight)));

        // Only that reminder can expire the hold now: no flight reminder.
        await AssertExpiresWithoutSeatOrMapAsync(flight, "11A", lag, "the seat's own reminder");
        await Eventually.Until(() => fixture.RemindersAsync(_grains.GetSeatGrain(flight, "11A")), r => r.Count == 0, "the seat's reminder to go once nothing is open");
    }

    [Fact]
    public async Task A_later_hold_keeps_the_reminder_past_the_first_holds_lifetime()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "BKST04-1", "10A")).Ok();
        (await _grains.ConfirmAsync(flight, "BKST04-1", "10A")).Ok();
        // Later, while the first tick has nothing to do, another passenger holds a seat.
        await fixture.AdvanceAsync(ClusterFixture.HoldDuration);
        (await _grains.HoldAsync(flight, "BKST05-1", "10B")).Ok();

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(1));
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(["holds"], await fixture.RemindersAsync(_grains.GetHoldBackstopGrain(flight)));
    }

    /// <summary>
    /// With the seat and the map deactivated (no seat timer, no map sweep), a hold's lifetime and 2 s pass; the hold
    /// must then be expired by a reminder (<paramref name="by"/>), whose first tick comes 1 s after the expiry.
    /// </summary>
    private async Task AssertExpiresWithoutSeatOrMapAsync(string flight, string seat, MetricCollector<double> lag, string by)
    {
        await Eventually.Until(() => _grains.MapEntryAsync(flight, seat), e => e?.Status == SeatStatus.Held, "the map to show the hold");
        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, seat));
        await fixture.DeactivateAsync(_grains.GetSeatMapGrain(flight));

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(2));

        // Read from the audit trail: asking the seat would expire the hold itself.
        var expired = await Eventually.Until(
            async () => (await fixture.AuditLog.QueryAsync(flight, seat, 10))[^1],
            e => e.To == SeatStatus.Available,
            $"{by} to expire the hold");
        Assert.Equal((SeatStatus.Held, SeatStatus.Available, "hold expired"), (expired.From, expired.To, expired.Reason));
        // The tick came 1 s after the hold's expiry (its first due), the clock stood 1 s later still.
        Assert.InRange(Assert.Single(lag.For(flight)).Value, 0.999, 2.001);
    }
}
