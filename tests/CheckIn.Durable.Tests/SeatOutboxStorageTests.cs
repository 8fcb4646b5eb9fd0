using CheckIn.Contracts;
using CheckIn.Contracts.Seats;
using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Grains;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CheckIn.Durable.Tests;

/// <summary>
/// A seat's state write records the seat's outbox in <c>seat_events</c> in the same statement (sql/009, issue 16):
/// what a write stores is audited exactly when the write lands, once, and only for seats.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class SeatOutboxStorageTests(DurableServicesFixture services)
{
    private const string StateName = "seat";
    private static readonly DateTimeOffset T0 = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_seat_state_write_records_its_outbox_once_and_a_write_that_loses_on_its_etag_records_nothing()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IAuditLog>();
        var seat = GrainId.Create("seat", GrainKeys.Compound("CI100", "12A"));
        var hold = Event(SeatStatus.Available, SeatStatus.Held, T0, 1, "P1");
        var confirm = Event(SeatStatus.Held, SeatStatus.Confirmed, T0.AddMinutes(1), 2, "P1");

        var state = new GrainState<OutboxState>(new OutboxState { UnpublishedEvents = [hold] });
        await storage.WriteStateAsync(StateName, seat, state);
        Assert.Equal([hold], await audit.QueryAsync("CI100", "12A", 10));

        // The grain clears its outbox in memory only: a write that still carries the hold adds just the confirm.
        var stale = new GrainState<OutboxState>(new OutboxState { UnpublishedEvents = [hold, confirm] }) { ETag = state.ETag, RecordExists = true };
        state.State!.UnpublishedEvents = [hold, confirm];
        await storage.WriteStateAsync(StateName, seat, state);
        Assert.Equal([hold, confirm], await audit.QueryAsync("CI100", "12A", 10));

        // A second activation's write with the ETag it read before: refused, and its event goes nowhere.
        var lost = Event(SeatStatus.Confirmed, SeatStatus.Available, T0.AddMinutes(2), 3, null);
        stale.State!.UnpublishedEvents = [lost];
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, seat, stale));
        Assert.Equal([hold, confirm], await audit.QueryAsync("CI100", "12A", 10));
        Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM seat_events"));
    }

    [Fact]
    public async Task Only_seat_rows_are_audited_and_open_seats_are_those_whose_latest_event_left_them_held_or_offered()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IAuditLog>();

        // Another grain type with the same property name is not a seat: nothing recorded.
        await storage.WriteStateAsync("other", GrainId.Create("passenger-seat", "CI100/P9"),
            new GrainState<OutboxState>(new OutboxState { UnpublishedEvents = [Event(SeatStatus.Available, SeatStatus.Held, T0, 1, "P9")] }));
        Assert.Equal(0, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM seat_events"));

        await audit.AppendAsync([
            Event(SeatStatus.Available, SeatStatus.Held, T0, 1, "P1", seat: "1A"),
            Event(SeatStatus.Held, SeatStatus.Confirmed, T0.AddMinutes(1), 2, "P1", seat: "1A"),
            Event(SeatStatus.Available, SeatStatus.Held, T0.AddMinutes(2), 1, "P2", seat: "1C"),
            Event(SeatStatus.Held, SeatStatus.Available, T0.AddMinutes(3), 2, null, seat: "1D"),
            Event(SeatStatus.Available, SeatStatus.Held, T0.AddMinutes(1), 1, "P3", seat: "1D"),
            Event(SeatStatus.Confirmed, SeatStatus.Offered, T0.AddMinutes(4), 5, null, seat: "2A"),
            Event(SeatStatus.Available, SeatStatus.Held, T0, 1, "P4", seat: "1A", flight: "CI200"),
        ]);

        Assert.Equal(
            [new OpenSeat("1C", SeatStatus.Held, T0.AddMinutes(2)), new OpenSeat("2A", SeatStatus.Offered, T0.AddMinutes(4))],
            (await audit.OpenSeatsAsync("CI100")).OrderBy(s => s.SeatNumber, StringComparer.Ordinal));
        Assert.Empty(await audit.OpenSeatsAsync("CI999"));
    }

    private static SeatAuditEvent Event(SeatStatus from, SeatStatus to, DateTimeOffset at, long version, string? passengerId, string seat = "12A", string flight = "CI100") =>
        new(Guid.NewGuid(), flight, seat, from, to, passengerId, "agent:test", $"{from}->{to}", at, $"corr-{version}", version);

    /// <summary>The part of a seat's stored state that the write query reads (the grain's own state class is internal).</summary>
    private sealed class OutboxState
    {
        public List<SeatAuditEvent> UnpublishedEvents { get; set; } = [];
    }
}
