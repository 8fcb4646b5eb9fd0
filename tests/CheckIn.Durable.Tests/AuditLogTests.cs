using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
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

    [Fact]
    public async Task Latest_seat_versions_are_the_highest_per_seat_of_the_flight_since_the_given_instant()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IAuditLog>();
        await audit.AppendAsync([
            Event("CI100", "12A", SeatStatus.Available, SeatStatus.Held, T0, 1, "P1"),
            Event("CI100", "12A", SeatStatus.Held, SeatStatus.Confirmed, T0.AddMinutes(2), 2, "P1"),
            Event("CI100", "14C", SeatStatus.Available, SeatStatus.Held, T0.AddMinutes(1), 1, "P2"),
            Event("CI100", "14C", SeatStatus.Held, SeatStatus.Available, T0.AddMinutes(3).ToOffset(TimeSpan.FromHours(9)), 2, null),
            Event("CI100", "20F", SeatStatus.Available, SeatStatus.Blocked, T0, 1, null),
            Event("CI200", "12A", SeatStatus.Available, SeatStatus.Held, T0.AddMinutes(5), 7, "P3"),
        ]);

        Assert.Equal(
            new Dictionary<string, long> { ["12A"] = 2, ["14C"] = 2, ["20F"] = 1 },
            await audit.LatestSeatVersionsAsync("CI100", since: null));
        Assert.Equal(
            new Dictionary<string, long> { ["12A"] = 2, ["14C"] = 2 },
            await audit.LatestSeatVersionsAsync("CI100", since: T0.AddMinutes(2).ToOffset(TimeSpan.FromHours(-5))));
        Assert.Empty(await audit.LatestSeatVersionsAsync("CI100", since: T0.AddMinutes(4)));
        Assert.Empty(await audit.LatestSeatVersionsAsync("CI999", since: null));
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

[Collection(DurableCollection.Name)]
public sealed class WaitlistAuditLogTests(DurableServicesFixture services)
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Appending_the_same_waitlist_events_again_keeps_one_record_each_with_every_field()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IWaitlistAuditLog>();
        var joined = Event("CI100", 1, "JOINED", T0, ["ABC123-1", "ABC123-2"], seats: []);
        // Written in a non-UTC offset; the instant is what must survive.
        var assigned = Event("CI100", 1, "ASSIGNED", T0.AddMinutes(5).ToOffset(TimeSpan.FromHours(-5)), ["ABC123-1", "ABC123-2"], seats: ["12A", "12B"]);

        await audit.AppendAsync([joined]);
        await audit.AppendAsync([joined, assigned]);
        await audit.AppendAsync([assigned, joined]);

        var events = await audit.QueryAsync("CI100", 100);
        Assert.Equal([Describe(joined), Describe(assigned with { At = assigned.At.ToUniversalTime() })], events.Select(Describe));
        Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM waitlist_events"));
        Assert.Equal("12A,12B", await Db.ScalarAsync<string>(db, $"SELECT array_to_string(seats, ',') FROM waitlist_events WHERE event_id = '{assigned.EventId}'"));
    }

    [Fact]
    public async Task Waitlist_events_are_read_per_flight_oldest_first_queue_order_on_ties_and_limited()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IWaitlistAuditLog>();
        var second = Event("CI100", 2, "JOINED", T0, ["DEF456-1"], seats: []);
        var first = Event("CI100", 1, "JOINED", T0, ["ABC123-1"], seats: []);
        var assigned = Event("CI100", 1, "ASSIGNED", T0.AddSeconds(30), ["ABC123-1"], seats: ["3C"]);
        // Same entry, same instant: the order they were appended in decides.
        var secondAssigned = Event("CI100", 2, "ASSIGNED", T0, ["DEF456-1"], seats: ["4D"]);
        var left = Event("CI100", 3, "LEFT", T0.AddMinutes(1), ["GHI789-1"], seats: []);
        var otherFlight = Event("CI200", 1, "JOINED", T0.AddSeconds(-10), ["JKL012-1"], seats: []);

        await audit.AppendAsync([left, otherFlight, assigned, second]);
        await audit.AppendAsync([secondAssigned, first]);

        Assert.Equal([first.EventId, second.EventId, secondAssigned.EventId, assigned.EventId, left.EventId], (await audit.QueryAsync("CI100", 100)).Select(e => e.EventId));
        Assert.Equal([first.EventId, second.EventId], (await audit.QueryAsync("CI100", 2)).Select(e => e.EventId));
        Assert.Equal([otherFlight.EventId], (await audit.QueryAsync("CI200", 100)).Select(e => e.EventId));
        Assert.Empty(await audit.QueryAsync("CI100", 0));
        Assert.Empty(await audit.QueryAsync("CI999", 100));
    }

    [Fact]
    public async Task A_waitlist_grain_on_postgresql_activates_and_audits_its_transitions()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var flightId = $"WL{Random.Shared.Next(10_000, 100_000)}";
        var layout = new SeatLayout([new CabinSection(Cabin.Economy, 1, 2, "AB")], [], [], [], []);
        var created = await cluster.Client.GetFlightGrain(flightId).CreateAsync(new FlightDefinition(flightId, "LHR", "CDG", DateTimeOffset.UtcNow.AddHours(3), layout));
        Assert.True(created.IsSuccess, created.Error?.Detail);

        var booked = await cluster.Client.GetBookingGrain("ABC123").CreateAsync(new BookingDefinition("ABC123", [new PassengerName("Ada", "Byron")], [flightId]));
        Assert.True(booked.IsSuccess, booked.Error?.Detail);

        // Every seat is free, so the entry is served the moment it joins.
        var joined = await cluster.Client.GetWaitlistGrain(flightId)
            .JoinAsync(new WaitlistJoin("ABC123", ["ABC123-1"], Cabin.Economy, SeatPreference.Any), new CommandContext("passenger:ABC123-1", "test", "corr-join"));

        Assert.True(joined.IsSuccess, joined.Error?.Detail);
        var seat = Assert.Single(joined.Value.AssignedSeats);
        var stored = await cluster.Silos[0].ServiceProvider.GetRequiredService<IWaitlistAuditLog>().QueryAsync(flightId, 100);
        Assert.Equal(
            [("JOINED", "passenger:ABC123-1", "corr-join", ""), ("ASSIGNED", "waitlist", stored[1].CorrelationId, seat)],
            stored.Select(e => (e.Action, e.Actor, e.CorrelationId, string.Join(",", e.Seats))));
        Assert.All(stored, e => Assert.Equal(("ABC123", 1L, "ABC123-1"), (e.Pnr, e.EntrySequence, string.Join(",", e.PassengerIds))));
        Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM waitlist_events WHERE flight_id = @f", ("f", flightId)));
    }

    private static WaitlistAuditEvent Event(string flight, long sequence, string action, DateTimeOffset at, string[] passengers, string[] seats) =>
        new(Guid.NewGuid(), flight, sequence, passengers[0].Split('-')[0], passengers, action, seats, $"passenger:{passengers[0]}", $"{action} {sequence}", at,
            Guid.NewGuid().ToString("N"));

    /// <summary>Records with list members compare lists by reference; this compares every field by value.</summary>
    private static string Describe(WaitlistAuditEvent e) =>
        $"{e.EventId}|{e.FlightId}|{e.EntrySequence}|{e.Pnr}|{string.Join(",", e.PassengerIds)}|{e.Action}|{string.Join(",", e.Seats)}|{e.Actor}|{e.Reason}|{e.At:O}|{e.CorrelationId}";
}
