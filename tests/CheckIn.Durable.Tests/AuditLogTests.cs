using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Seats;
using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace CheckIn.Durable.Tests;

[Collection(DurableCollection.Name)]
public sealed class AuditLogTests(DurableServicesFixture services)
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Appending_the_same_events_again_keeps_one_record_each()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IAuditLog>();
        var hold = Event("CI100", "12A", SeatStatus.Available, SeatStatus.Held, T0, 1, "P1");
        var confirm = Event("CI100", "12A", SeatStatus.Held, SeatStatus.Confirmed, T0.AddMinutes(1), 2, "P1");

        await audit.AppendAsync([hold]);
        await audit.AppendAsync([hold, confirm]);
        await audit.AppendAsync([hold, confirm]);

        var events = await audit.QueryAsync("CI100", "12A", 100);
        Assert.Equal([hold.EventId, confirm.EventId], events.Select(e => e.EventId));
        Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM seat_events"));
    }

    [Fact]
    public async Task Query_filters_by_flight_and_seat_returns_oldest_first_and_keeps_every_field()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IAuditLog>();
        var late = Event("CI100", "12A", SeatStatus.Held, SeatStatus.Available, T0.AddMinutes(2), 2, passengerId: null);
        var early = Event("CI100", "12A", SeatStatus.Available, SeatStatus.Held, T0, 1, "P1");
        var otherSeat = Event("CI100", "14C", SeatStatus.Available, SeatStatus.Blocked, T0.AddMinutes(1), 1, passengerId: null);
        var otherFlight = Event("CI200", "12A", SeatStatus.Available, SeatStatus.Held, T0, 1, "P2");
        // Written in a non-UTC offset; the instant is what must survive.
        var offset = early with { EventId = Guid.NewGuid(), At = T0.AddMinutes(3).ToOffset(TimeSpan.FromHours(9)), SeatVersion = 3 };

        await audit.AppendAsync([late, otherSeat, otherFlight, early, offset]);

        Assert.Equal([early, late, offset with { At = offset.At.ToUniversalTime() }], await audit.QueryAsync("CI100", "12A", 100));
        Assert.Equal([early.EventId, otherSeat.EventId, late.EventId, offset.EventId], (await audit.QueryAsync("CI100", null, 100)).Select(e => e.EventId));
        Assert.Equal([early.EventId, otherSeat.EventId], (await audit.QueryAsync("CI100", null, 2)).Select(e => e.EventId));
        Assert.Empty(await audit.QueryAsync("CI999", null, 100));
        Assert.Equal(
            ["AVAILABLE>BLOCKED", "AVAILABLE>HELD", "AVAILABLE>HELD", "AVAILABLE>HELD", "HELD>AVAILABLE"],
            await Db.StringsAsync(db, "SELECT from_status || '>' || to_status FROM seat_events ORDER BY 1"));
    }

    private static SeatAuditEvent Event(string flight, string seat, SeatStatus from, SeatStatus to, DateTimeOffset at, long version, string? passengerId) =>
        new(Guid.NewGuid(), flight, seat, from, to, passengerId, "agent:test", $"{from}->{to}", at, $"corr-{version}", version);
}

[Collection(DurableCollection.Name)]
public sealed class CheckInAuditLogTests(DurableServicesFixture services)
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Check_in_events_are_kept_once_each_and_read_back_per_passenger_in_order()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<ICheckInAuditLog>();
        var start = Event("P1", "START", CheckInStatus.NotStarted, CheckInStatus.InProgress, T0, 1, seat: null);
        var complete = Event("P1", "COMPLETE", CheckInStatus.InProgress, CheckInStatus.Completed, T0.AddMinutes(3), 2, seat: "12C");
        var other = Event("P2", "START", CheckInStatus.NotStarted, CheckInStatus.InProgress, T0.AddMinutes(1), 1, seat: null);

        await audit.AppendAsync([complete, start]);
        await audit.AppendAsync([start, complete, other]);

        var events = await audit.QueryAsync("CI100", "P1", 100);
        Assert.Equal([start, complete], events);
        Assert.Equal(3, (await audit.QueryAsync("CI100", null, 100)).Count);
        Assert.Equal("IN_PROGRESS", await Db.ScalarAsync<string>(db, $"SELECT to_status FROM checkin_events WHERE event_id = '{start.EventId}'"));
    }

    private static CheckInAuditEvent Event(string passengerId, string action, CheckInStatus from, CheckInStatus to, DateTimeOffset at, long version, string? seat) =>
        new(Guid.NewGuid(), "CI100", passengerId, action, from, to, seat, $"booking:{passengerId}", "passenger request", at, Guid.NewGuid().ToString("N"), version);
}
