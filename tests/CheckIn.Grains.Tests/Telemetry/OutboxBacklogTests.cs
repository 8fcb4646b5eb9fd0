using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CheckIn.Grains.Tests.Telemetry;

/// <summary>
/// The audit outbox backlog (an up-down counter per log): up when events are written into a grain's outbox, down
/// when they reach the audit log, and back to 0 once everything is published, including after the audit log failed.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutboxBacklogTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Events_the_audit_log_refused_stay_in_the_backlog_until_a_later_publish_and_it_returns_to_zero()
    {
        using var backlog = fixture.Collect<long>("checkin.audit.outbox.backlog");
        var flight = await _grains.CreateFlightAsync();

        using (fixture.FailingSeatVersionQueries.FailAppends(flight))
        {
            (await _grains.HoldAsync(flight, "OBXA01-1", "11A")).Ok();
            (await _grains.ConfirmAsync(flight, "OBXA01-1", "11A")).Ok();
            // Two events written with the seat's state, neither in the audit log.
            await Eventually.Until(() => Task.FromResult(Sum(backlog, "seat")), n => n >= 2, "the two unpublished events in the backlog");
            Assert.Empty(await fixture.AuditLog.QueryAsync(flight, "11A", 10));
        }

        // The log is back: the next transition publishes its own event and the two left behind.
        (await _grains.ReleaseAsync(flight, "OBXA01-1", "11A")).Ok();

        Assert.Equal(3, (await fixture.AuditLog.QueryAsync(flight, "11A", 10)).Count);
        await Eventually.Until(() => Task.FromResult(Sum(backlog, "seat")), n => n == 0, "the seat backlog back to 0");
        // Written one at a time (+1 each), published together (-3).
        Assert.Equal([1L, 1L, 1L, -3L], backlog.GetMeasurementSnapshot().Where(m => m.Tag("log") == "seat").Select(m => m.Value).TakeLast(4));
    }

    [Fact]
    public async Task Leftover_events_leave_with_the_activation_and_the_next_activation_publishes_them()
    {
        using var backlog = fixture.Collect<long>("checkin.audit.outbox.backlog");
        var flight = await _grains.CreateFlightAsync();
        var seat = _grains.GetSeatGrain(flight, "11B");

        using (fixture.FailingSeatVersionQueries.FailAppends(flight))
        {
            (await _grains.HoldAsync(flight, "OBXB01-1", "11B")).Ok();
            await Eventually.Until(() => Task.FromResult(Sum(backlog, "seat")), n => n >= 1, "the unpublished event in the backlog");
            await fixture.DeactivateAsync(seat);
            // Gone with the activation: this process no longer holds it.
            await Eventually.Until(() => Task.FromResult(Sum(backlog, "seat")), n => n == 0, "the backlog to drop with the activation");
        }

        // The next activation reports the leftover (+1) before it publishes it (-1).
        Assert.Equal(SeatStatus.Held, (await seat.GetAsync()).Ok().Status);

        var hold = Assert.Single(await fixture.AuditLog.QueryAsync(flight, "11B", 10));
        Assert.Equal((SeatStatus.Available, SeatStatus.Held), (hold.From, hold.To));
        await Eventually.Until(() => Task.FromResult(Sum(backlog, "seat")), n => n == 0, "the seat backlog back to 0");
        Assert.Equal([1L, -1L, 1L, -1L], backlog.GetMeasurementSnapshot().Where(m => m.Tag("log") == "seat").Select(m => m.Value).TakeLast(4));
    }

    [Fact]
    public async Task Check_in_and_waitlist_outboxes_go_up_and_back_to_zero()
    {
        using var backlog = fixture.Collect<long>("checkin.audit.outbox.backlog");
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(5));
        var pnr = SampleLayouts.NewPnr();
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pat", "Smith", Cabin.Business)], [flight]))).Ok();

        (await _grains.GetCheckInGrain(flight, $"{pnr}-1").StartAsync(Commands.By($"{pnr}-1"))).Ok();
        (await _grains.GetWaitlistGrain(flight).JoinAsync(
            new CheckIn.Contracts.Waitlist.WaitlistJoin(pnr, [$"{pnr}-1"], Cabin.Business, CheckIn.Contracts.Waitlist.SeatPreference.Window),
            Commands.By($"{pnr}-1"))).Ok();

        foreach (var log in new[] { "checkin", "waitlist" })
        {
            Assert.Contains(backlog.GetMeasurementSnapshot(), m => m.Tag("log") == log && m.Value > 0);
            await Eventually.Until(() => Task.FromResult(Sum(backlog, log)), n => n == 0, $"the {log} backlog back to 0");
        }
    }

    /// <summary>What this test saw of one log's backlog: the sum of the changes since its collector started.</summary>
    private static long Sum(MetricCollector<long> backlog, string log) =>
        backlog.GetMeasurementSnapshot().Where(m => m.Tag("log") == log).Sum(m => m.Value);
}
