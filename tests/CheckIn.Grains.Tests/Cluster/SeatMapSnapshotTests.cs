using CheckIn.Contracts;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>The seat map as a persisted read model: cold reads from its snapshot, rebuilds only when it must.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SeatMapSnapshotTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Creating_a_flight_writes_a_clean_map_that_a_cold_read_serves_without_activating_a_seat()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);

        var stored = await ReadStoredAsync(map);
        Assert.True(stored.RecordExists);
        Assert.True(stored.State!.Clean);
        Assert.Equal(168, stored.State.Count);
        Assert.All(stored.State.Versions, v => Assert.Equal(0, v));

        await EnsureInactiveAsync(map);
        var view = await map.GetAsync();

        Assert.NotNull(view);
        Assert.Equal(168, view.Seats.Count);
        Assert.Equal(0, view.Version);
        Assert.Equal(SeatStatus.Blocked, Entry(view, "30A").Status);
        Assert.DoesNotContain(view.Seats, s => fixture.IsActive(_grains.GetSeatGrain(flight, s.SeatNumber)));
    }

    [Fact]
    public async Task Reads_leave_a_clean_snapshot_clean_a_notification_marks_it_not_clean_and_a_graceful_deactivation_marks_it_clean_again()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        await EnsureInactiveAsync(map);
        var written = (await ReadStoredAsync(map)).ETag;

        // Reads of a clean snapshot write nothing, also after the snapshot timer had every chance to tick.
        Assert.NotNull(await map.GetAsync());
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.NotNull(await map.GetAsync());
        var afterReads = await ReadStoredAsync(map);
        Assert.True(afterReads.State!.Clean, "a map that was only read marked its snapshot not clean");
        Assert.Equal(written, afterReads.ETag);

        // Once the map shows a seat's change, storage no longer vouches for the snapshot (written before applying).
        (await _grains.HoldAsync(flight, "MARK01-1", "4A")).Ok();
        await Eventually.Until(map.GetAsync, m => Entry(m, "4A").Status == SeatStatus.Held, "the hold on the map");
        Assert.False((await ReadStoredAsync(map)).State!.Clean, "the map applied a notification while its snapshot said clean");

        await fixture.DeactivateAsync(map);
        var stored = await ReadStoredAsync(map);
        Assert.True(stored.State!.Clean);
        Assert.Equal(SeatStatus.Held, stored.State.Statuses[Array.IndexOf(stored.State.SeatNumbers, "4A")]);
    }

    [Fact]
    public async Task A_notification_lost_before_the_map_applied_it_is_caught_up_from_the_audit_log_on_a_clean_load()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        await EnsureInactiveAsync(map);

        // The map's process dies with the seat's one-way notification: the seat answered, the map never applied it,
        // and the stored snapshot still says clean.
        SeatSnapshot confirmed;
        using (fixture.DroppedMapNotifications.Drop(flight))
        {
            (await _grains.HoldAsync(flight, "LOST02-1", "3C")).Ok();
            confirmed = (await _grains.ConfirmAsync(flight, "LOST02-1", "3C")).Ok();
            await Eventually.Until(() => Task.FromResult(fixture.DroppedMapNotifications.DroppedFor(flight)), n => n >= 2, "both notifications to be lost");
        }
        await EnsureInactiveAsync(map);
        Assert.True((await ReadStoredAsync(map)).State!.Clean, "precondition: the stored snapshot says clean");
        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, "3C"));

        var view = await map.GetAsync();

        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Confirmed, null, "LOST02-1"), Entry(view, "3C"));
        Assert.Equal(confirmed.Version, view!.Version);
        // Only the seat the audit log names was asked.
        Assert.True(fixture.IsActive(_grains.GetSeatGrain(flight, "3C")), "the map did not ask seat 3C");
        Assert.False(fixture.IsActive(_grains.GetSeatGrain(flight, "3D")), "the map asked seat 3D although it never changed");
    }

    [Fact]
    public async Task A_live_map_that_missed_a_change_reads_it_from_the_audit_trail_within_a_minute()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "LOST03-1", "5C")).Ok();
        await Eventually.Until(() => _grains.MapEntryAsync(flight, "5C"), e => e?.Status == SeatStatus.Held, "the map to show the hold");

        // The seat's process dies between its write and its one-way notification: nothing reactivates that seat,
        // and the live map, which never heard of the confirm, would show HELD and then sweep it free.
        SeatSnapshot confirmed;
        using (fixture.DroppedMapNotifications.Drop(flight))
        {
            confirmed = (await _grains.ConfirmAsync(flight, "LOST03-1", "5C")).Ok();
            await Eventually.Until(() => Task.FromResult(fixture.DroppedMapNotifications.DroppedFor(flight)), n => n >= 1, "the confirm's notification to be lost");
        }
        Assert.Equal(SeatStatus.Held, (await _grains.MapEntryAsync(flight, "5C"))!.Status);

        await fixture.AdvanceAsync(SeatMapGrain.ReconcileInterval);

        var healed = await Eventually.Until(() => _grains.MapEntryAsync(flight, "5C"), e => e?.Status == SeatStatus.Confirmed, "the map to show the confirm");
        Assert.Equal(confirmed.Version, (await _grains.GetSeatMapGrain(flight).GetAsync())!.Version);
        Assert.Equal("LOST03-1", healed!.PassengerId);
    }

    [Fact]
    public async Task A_map_keeps_its_changes_across_deactivation_without_asking_the_seats_again()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        (await _grains.HoldAsync(flight, "SNAP01-1", "3C")).Ok();
        (await _grains.HoldAsync(flight, "SNAP01-2", "5D")).Ok();
        (await _grains.ConfirmAsync(flight, "SNAP01-2", "5D")).Ok();
        var before = await Eventually.Until(
            map.GetAsync,
            m => Entry(m, "3C").Status == SeatStatus.Held && Entry(m, "5D").Status == SeatStatus.Confirmed,
            "the hold and the confirmation on the map");

        await fixture.DeactivateAsync(map);
        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, "3C"));
        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, "5D"));
        var after = await map.GetAsync();

        Assert.NotNull(after);
        Assert.Equal(before!.Version, after.Version);
        Assert.Equal(before.LastUpdated, after.LastUpdated);
        Assert.Equal(before.Seats, after.Seats);
        Assert.False(fixture.IsActive(_grains.GetSeatGrain(flight, "3C")), "the reloaded map asked seat 3C");
        Assert.False(fixture.IsActive(_grains.GetSeatGrain(flight, "5D")), "the reloaded map asked seat 5D");

        // The reloaded map keeps following the seats.
        (await _grains.ReleaseAsync(flight, "SNAP01-1", "3C")).Ok();
        var released = await Eventually.Until(map.GetAsync, m => Entry(m, "3C").Status == SeatStatus.Available, "the release on the reloaded map");
        Assert.True(released!.Version > after.Version);
    }

    [Fact]
    public async Task A_clean_snapshot_is_caught_up_from_the_audit_log_and_one_that_is_not_clean_is_rebuilt_from_the_seats()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        var held = (await _grains.HoldAsync(flight, "UNCL01-1", "3C")).Ok();
        await Eventually.Until(map.GetAsync, m => Entry(m, "3C").Status == SeatStatus.Held, "the hold on the map");

        // A clean snapshot that misses the hold (its notification never reached a map) is caught up from the
        // audit log...
        await fixture.DeactivateAsync(map);
        await RewriteStoredAsync(map, clean: true, ForgetSeat("3C"));
        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Held, held.HoldExpiresAt, "UNCL01-1"), Entry(await map.GetAsync(), "3C"));

        // ...and rebuilt from the seats when it is not, as an activation that died without deactivating leaves it.
        await fixture.DeactivateAsync(map);
        await RewriteStoredAsync(map, clean: false, ForgetSeat("3C"));
        var rebuilt = await map.GetAsync();

        Assert.Equal(new SeatMapEntry("3C", SeatStatus.Held, held.HoldExpiresAt, "UNCL01-1"), Entry(rebuilt, "3C"));
        Assert.Equal(held.Version, rebuilt!.Version);
        Assert.Equal(held.UpdatedAt, rebuilt.LastUpdated);
        var stored = await ReadStoredAsync(map);
        Assert.False(stored.State!.Clean, "a live map's stored snapshot must not claim to be clean");
        Assert.Equal(SeatStatus.Held, stored.State.Statuses[Array.IndexOf(stored.State.SeatNumbers, "3C")]);
    }

    [Fact]
    public async Task A_clean_snapshot_whose_catch_up_query_fails_is_rebuilt_from_the_seats()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        await EnsureInactiveAsync(map);
        SeatSnapshot held;
        using (fixture.DroppedMapNotifications.Drop(flight))
        {
            held = (await _grains.HoldAsync(flight, "LOST03-1", "6F")).Ok();
            await Eventually.Until(() => Task.FromResult(fixture.DroppedMapNotifications.DroppedFor(flight)), n => n >= 1, "the notification to be lost");
        }
        await EnsureInactiveAsync(map);

        SeatMapView? view;
        using (fixture.FailingSeatVersionQueries.Fail(flight))
        {
            view = await map.GetAsync();
            Assert.Equal(1, fixture.FailingSeatVersionQueries.FailedFor(flight));
        }

        Assert.Equal(new SeatMapEntry("6F", SeatStatus.Held, held.HoldExpiresAt, "LOST03-1"), Entry(view, "6F"));
        Assert.Equal(held.Version, view!.Version);
        Assert.False((await ReadStoredAsync(map)).State!.Clean, "a rebuilt, live map's snapshot must not claim to be clean");
    }

    [Fact]
    public async Task A_map_without_a_snapshot_is_built_from_the_seats_and_then_stored()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        var held = (await _grains.HoldAsync(flight, "NOSN01-1", "7A")).Ok();
        await Eventually.Until(map.GetAsync, m => Entry(m, "7A").Status == SeatStatus.Held, "the hold on the map");

        // What a flight created before seat map snapshots has: no row at all.
        await fixture.DeactivateAsync(map);
        var stored = await ReadStoredAsync(map);
        await fixture.Storage.ClearStateAsync(SeatMapGrain.StateName, map.GetGrainId(), stored);

        var built = await map.GetAsync();

        Assert.Equal(new SeatMapEntry("7A", SeatStatus.Held, held.HoldExpiresAt, "NOSN01-1"), Entry(built, "7A"));
        Assert.Equal(168, built!.Seats.Count);
        Assert.True((await ReadStoredAsync(map)).RecordExists);
    }

    [Fact]
    public async Task A_map_without_a_snapshot_also_builds_itself_on_a_seat_notification()
    {
        var flight = await _grains.CreateFlightAsync();
        var map = _grains.GetSeatMapGrain(flight);
        await EnsureInactiveAsync(map);
        await fixture.Storage.ClearStateAsync(SeatMapGrain.StateName, map.GetGrainId(), await ReadStoredAsync(map));

        (await _grains.HoldAsync(flight, "NOSN02-1", "8F")).Ok();

        var stored = await Eventually.Until(
            () => ReadStoredAsync(map),
            s => s.RecordExists && s.State!.Statuses[Array.IndexOf(s.State.SeatNumbers, "8F")] == SeatStatus.Held,
            "the map to build and store itself without being read");
        Assert.False(stored.State!.Clean);
    }

    private static SeatMapEntry Entry(SeatMapView? map, string seatNumber) =>
        map!.Seats.Single(s => s.SeatNumber == seatNumber);

    private static Action<SeatMapState> ForgetSeat(string seatNumber) => state =>
    {
        var i = Array.IndexOf(state.SeatNumbers, seatNumber);
        state.Statuses[i] = SeatStatus.Available;
        state.HoldExpiresAt[i] = null;
        state.PassengerIds[i] = null;
        state.Versions[i] = 0;
        state.UpdatedAt[i] = null;
    };

    /// <summary>The flight's creation leaves its map activation to end by itself; a cold read needs it gone.</summary>
    private async Task EnsureInactiveAsync(ISeatMapGrain map)
    {
        if (fixture.IsActive(map))
        {
            await fixture.DeactivateAsync(map);
        }
        Assert.False(fixture.IsActive(map));
    }

    private async Task<GrainState<SeatMapState>> ReadStoredAsync(ISeatMapGrain map)
    {
        var stored = new GrainState<SeatMapState>(new SeatMapState());
        await fixture.Storage.ReadStateAsync(SeatMapGrain.StateName, map.GetGrainId(), stored);
        return stored;
    }

    /// <summary>Rewrites the stored snapshot of a map that has no activation (the test's stand-in for a crash).</summary>
    private async Task RewriteStoredAsync(ISeatMapGrain map, bool clean, Action<SeatMapState> change)
    {
        Assert.False(fixture.IsActive(map));
        var stored = await ReadStoredAsync(map);
        Assert.True(stored.RecordExists);
        var state = stored.State!;
        change(state);
        state.Clean = clean;
        await fixture.Storage.WriteStateAsync(SeatMapGrain.StateName, map.GetGrainId(), stored);
    }
}
