using System.Net;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>A host killed with <c>kill -9</c> and started again on the same database and ports.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostRestartTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task A_confirmed_seat_and_its_audit_trail_survive_kill_9_and_a_restart()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration);
        var first = _hosts.Start("host", settings);
        await first.WaitUntilReadyAsync();
        var booking = await first.Api.CreateBookingAsync();

        (await first.Api.SeatCommandAsync("hold", booking, "3C", booking.FirstPassenger)).Expect(HttpStatusCode.OK);
        var confirmed = (await first.Api.SeatCommandAsync("confirm", booking, "3C", booking.FirstPassenger)).Expect(HttpStatusCode.OK);
        first.KillHard();

        Assert.Equal("CONFIRMED", confirmed.Read<SeatResult>().Status);
        // Both transitions were in the audit table before the 2xx, not only replayed from the outbox later.
        var actor = $"passenger:{booking.FirstPassenger}";
        string[] expectedTrail = [$"AVAILABLE>HELD {actor} {booking.FirstPassenger}", $"HELD>CONFIRMED {actor} {booking.FirstPassenger}"];
        Assert.Equal(expectedTrail, await AuditTrailAsync(db, booking.FlightId, "3C"));

        var restarted = _hosts.Start("host (restarted)", settings);
        await restarted.WaitUntilReadyAsync();

        var seat = await restarted.Api.SeatAsync(booking.FlightId, "3C");
        Assert.Equal("CONFIRMED", seat.Status);
        var events = await restarted.Api.SeatEventsAsync(booking.FlightId, "3C");
        Assert.Equal(expectedTrail, events.Select(e => $"{e.From}>{e.To} {e.Actor} {e.PassengerId}"));
        Assert.Equal([1L, 2L], events.Select(e => e.SeatVersion));
        Assert.Equal(expectedTrail, await AuditTrailAsync(db, booking.FlightId, "3C"));
    }

    [Fact]
    public async Task A_hold_that_expired_while_no_host_ran_is_available_after_the_restart()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration) with { HoldDuration = TimeSpan.FromSeconds(2) };
        var first = _hosts.Start("host", settings);
        await first.WaitUntilReadyAsync();
        var booking = await first.Api.CreateBookingAsync();

        var hold = (await first.Api.SeatCommandAsync("hold", booking, "2A", booking.FirstPassenger)).Expect(HttpStatusCode.OK).Read<SeatResult>();
        first.KillHard();
        var restarted = _hosts.Start("host (restarted)", settings);
        await restarted.WaitUntilReadyAsync();

        Assert.Equal("HELD", hold.Status);
        Assert.NotNull(hold.HoldExpiresAt);
        Assert.True(restarted.ReadyAt > hold.HoldExpiresAt,
            $"Precondition: the hold must expire while no host runs, but the restarted host was ready at {restarted.ReadyAt:O}, before the hold's expiry {hold.HoldExpiresAt:O}.");

        var firstRead = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(
            () => restarted.Api.SeatAsync(booking.FlightId, "2A"),
            seat => seat.Status == "AVAILABLE",
            TimeSpan.FromSeconds(5),
            "the expired hold of 2A to show as AVAILABLE on the seat map");
        log.WriteLine($"2A showed AVAILABLE {(DateTimeOffset.UtcNow - firstRead).TotalMilliseconds:F0} ms after the first seat map read.");

        var lateConfirm = await restarted.Api.SeatCommandAsync("confirm", booking, "2A", booking.FirstPassenger);
        var secondHold = await restarted.Api.SeatCommandAsync("hold", booking, "2A", booking.SecondPassenger);

        Assert.Multiple(
            () => Assert.True(lateConfirm.Status == HttpStatusCode.Gone && lateConfirm.Code == "HOLD_EXPIRED", $"expected 410 HOLD_EXPIRED from {lateConfirm}"),
            () => Assert.True(
                secondHold.Status == HttpStatusCode.OK && secondHold.Read<SeatResult>() is { Status: "HELD" } held && held.PassengerId == booking.SecondPassenger,
                $"expected 200 HELD for {booking.SecondPassenger} from {secondHold}"));
    }

    public void Dispose() => _hosts.Dispose();

    private static Task<List<string>> AuditTrailAsync(string db, string flightId, string seat) => Db.StringsAsync(
        db,
        "SELECT from_status || '>' || to_status || ' ' || actor || ' ' || coalesce(passenger_id, '-') FROM seat_events " +
        "WHERE flight_id = @flight AND seat_number = @seat ORDER BY seat_version",
        ("flight", flightId),
        ("seat", seat));
}
