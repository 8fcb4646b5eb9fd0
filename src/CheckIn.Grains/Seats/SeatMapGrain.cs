using CheckIn.Contracts;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using CheckIn.Grains.Storage;
using Orleans.Storage;

namespace CheckIn.Grains.Seats;

/// <summary>
/// A flight's seat map read model, persisted so that a cold read costs one storage read. The flight writes the
/// first snapshot when it is created; the seats' one-way notifications are applied in memory (only when newer, by
/// seat version); before the first one is applied the stored snapshot is marked not clean (awaited), and a graceful
/// deactivation writes a <see cref="SeatMapState.Clean"/> snapshot. A clean snapshot is caught up on its first use:
/// the audit log names the seats that changed since it was written (a notification lost with a crashed process
/// never reached it), and only those seats are asked. A snapshot that is not clean (its activation died) or missing
/// (a flight older than snapshots) is rebuilt by asking every seat. It calls seats one-way only (the expiry sweep)
/// except while catching up or rebuilding.
/// </summary>
internal sealed partial class SeatMapGrain(
    [PersistentState(SeatMapGrain.StateName, StorageNames.Default)] IPersistentState<SeatMapState> state,
    TimeProvider time,
    IOptions<SeatHoldOptions> options,
    IOptions<GrainStorageOptions> storage,
    IAuditLog auditLog,
    ILogger<SeatMapGrain> logger) : Grain, ISeatMapGrain
{
    internal const string StateName = "seat-map";

    /// <summary>How long applied notifications may wait in memory: what a crash of this process can lose.</summary>
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a deactivation waits for its clean snapshot to be written (one row: milliseconds normally).</summary>
    private static readonly TimeSpan DeactivationWriteTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How many seats a rebuild asks at once.</summary>
    internal const int RebuildBatchSize = 8;

    /// <summary>
    /// How far before a clean snapshot's write time the catch-up looks for seat events: an event carries the seat
    /// host's clock and is stamped before the seat's state write and audit append, so a notification that arrived
    /// just after the snapshot was written (and was then lost) can be older than the write by the clock skew
    /// between hosts plus that delay. Re-reading a few minutes of one flight's events costs little.
    /// </summary>
    internal static readonly TimeSpan CatchUpMargin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a live map asks the audit trail whether a seat changed without telling it: a seat whose process died
    /// between its write (state and audit in one transaction) and its one-way notification. Nothing reactivates such a
    /// seat on its own, so the map looks; one indexed query a minute per active map.
    /// </summary>
    internal static readonly TimeSpan ReconcileInterval = TimeSpan.FromMinutes(1);

    private string _flightId = "";
    // Null until the map is caught up or built; nothing is applied or swept before that.
    private Dictionary<string, int>? _index;
    // A clean snapshot was loaded and is not caught up yet: the first read or notification does it.
    private bool _loadedClean;
    // Changes in memory and not yet written.
    private bool _changed;
    // Storage still says Clean: nothing may be applied before it says otherwise.
    private bool _storedClean;
    // A notification was applied although marking the snapshot not clean failed: the snapshot tick retries.
    private bool _unmarked;
    // Another writer changed the row under us: never claim a clean snapshot again, just leave.
    private bool _superseded;
    private bool _timersStarted;
    // When the audit trail was last asked (catch-up, rebuild or reconcile): the next reconcile reads from there.
    private DateTimeOffset _reconciledAt;
    private SeatMapView? _view;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _flightId = this.GetPrimaryKeyString();
        if (state.RecordExists && state.State.Clean && state.State.IsWellFormed())
        {
            _loadedClean = true;
        }
        else if (state.RecordExists)
        {
            LogNotClean(logger, _flightId);
        }
        // A clean snapshot is caught up, anything else (no snapshot, or one we cannot trust) is rebuilt, by the
        // first read or seat notification, never here: activation calls no grain, because the flight's creation
        // may be what activated us and it waits for InitializeAsync.
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_index is null || _superseded || (_storedClean && !_changed))
        {
            return;
        }
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !storage.Value.OutlivesSilo)
        {
            // In-memory storage stops with this silo: the snapshot would be lost anyway, and the write could only
            // fail (a hundred error lines per shutdown on a busy host).
            return;
        }
        try
        {
            // Bounded on the real clock: a stopping silo also deactivates memory storage's own grains, and a write
            // that waits for them must not hold up the stop. An unfinished write leaves the snapshot not clean.
            await WriteSnapshotAsync(clean: true).WaitAsync(DeactivationWriteTimeout, TimeProvider.System, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            LogWriteFailed(logger, ex, _flightId, clean: true);
        }
    }

    public async Task<SeatMapView?> GetAsync()
    {
        if (!await EnsureReadyAsync())
        {
            return null;
        }
        return _view ??= state.State.ToView(_flightId);
    }

    public async Task InitializeAsync(FlightInfo flight)
    {
        if (state.RecordExists || _index is not null || flight.FlightId != _flightId)
        {
            return;
        }
        try
        {
            var initial = SeatMapState.FromFlight(flight, version: 0);
            initial.Clean = true;
            initial.WrittenAt = time.GetUtcNow();
            state.State = initial;
            await state.WriteStateAsync();
        }
        finally
        {
            // Nobody may read this map for a while; the next read loads the snapshot with one storage read (and one audit query).
            DeactivateOnIdle();
        }
    }

    public async Task SeatChangedAsync(SeatSnapshot snapshot)
    {
        // A map that still has to be built builds itself here too, so that it sweeps. Safe to call the flight: a
        // seat only changes once its flight's creation, the one caller that waits on us, is over.
        if (!await EnsureReadyAsync())
        {
            return;
        }
        await ApplyAsync(snapshot);
    }

    /// <summary>Applies a seat's state if it is newer than the map's copy (a notification, or a seat read by a reconcile).</summary>
    private async Task ApplyAsync(SeatSnapshot snapshot)
    {
        if (_storedClean && !_superseded && state.State.IsNewer(_index!, snapshot))
        {
            // Storage must stop vouching for the snapshot before memory holds anything it lacks: a crash after
            // this point leaves a snapshot that is rebuilt, never a clean one missing an acknowledged change.
            await WriteSnapshotAsync(clean: false);
            // If that failed, memory still takes the change (reads stay right); the tick retries the mark, and a
            // crash before it is covered by the catch-up, which finds this change in the audit log.
            _unmarked = _storedClean;
        }
        if (state.State.Apply(_index!, snapshot))
        {
            _changed = true;
            _view = null;
        }
    }

    /// <summary>Catches up a loaded clean snapshot, or builds the map from the seats. False while the flight does not exist.</summary>
    private async Task<bool> EnsureReadyAsync()
    {
        if (_index is not null)
        {
            return true;
        }
        if (_loadedClean && await CatchUpAsync())
        {
            _loadedClean = false;
            return true;
        }
        _loadedClean = false;
        return await RebuildAsync();
    }

    /// <summary>
    /// Serves a clean snapshot after asking again only the seats that the audit log says changed since it was
    /// written (every seat transition is appended before the seat answers). Storage keeps saying Clean: the stored
    /// snapshot plus the audit log still tell the truth. False when the audit log cannot answer (then rebuild).
    /// </summary>
    private async Task<bool> CatchUpAsync()
    {
        var map = state.State;
        var since = map.WrittenAt - CatchUpMargin;
        var askedAt = time.GetUtcNow();
        IReadOnlyDictionary<string, long> latest;
        try
        {
            latest = await auditLog.LatestSeatVersionsAsync(_flightId, since);
        }
        catch (Exception ex)
        {
            LogCatchUpFailed(logger, ex, _flightId);
            return false;
        }

        var index = map.IndexSeats();
        var behind = SeatsBehind(latest, index);
        // Usually a handful of seats, often none (then no grain is called at all).
        foreach (var snapshot in await ReadSeatsAsync(behind))
        {
            if (map.Apply(index, snapshot))
            {
                // Written (clean) by a graceful deactivation, so the next load need not ask again.
                _changed = true;
            }
        }
        if (behind.Count > 0)
        {
            LogCaughtUp(logger, _flightId, behind.Count);
        }
        if (map.WrittenAt is null)
        {
            // A row older than the write time read the flight's whole history: give the next load a time to start from.
            _changed = true;
        }
        _index = index;
        _reconciledAt = askedAt;
        _storedClean = true;
        _view = null;
        map.Clean = false;
        StartTimers();
        return true;
    }

    /// <summary>
    /// Asks the given seats for their state, <see cref="RebuildBatchSize"/> at a time: each seat's first read is a
    /// storage read, and a host's pool is small (see the Host's PostgreSQL cap), so fifty flights rebuilding at once
    /// queue for connections instead of asking for thousands. Awaited in this turn, so nothing else sees a
    /// half-built map. Seats that cannot answer are left out.
    /// </summary>
    private async Task<List<SeatSnapshot>> ReadSeatsAsync(IEnumerable<string> seatNumbers)
    {
        var read = new List<SeatSnapshot>();
        foreach (var batch in seatNumbers.Chunk(RebuildBatchSize))
        {
            var snapshots = await Task.WhenAll(batch.Select(seat => GrainFactory.GetSeatGrain(_flightId, seat).GetAsync()));
            foreach (var snapshot in snapshots)
            {
                if (snapshot.IsSuccess)
                {
                    read.Add(snapshot.Value);
                }
            }
        }
        return read;
    }

    /// <summary>Builds the map from every seat (the slow path) and writes it. False while the flight does not exist.</summary>
    private async Task<bool> RebuildAsync()
    {
        var flight = await GrainFactory.GetFlightGrain(_flightId).GetAsync();
        if (flight is null)
        {
            return false;
        }

        _reconciledAt = time.GetUtcNow();
        var rebuilt = SeatMapState.FromFlight(flight, version: -1);
        var index = rebuilt.IndexSeats();
        foreach (var snapshot in await ReadSeatsAsync(flight.Seats.Select(s => s.SeatNumber)))
        {
            rebuilt.Apply(index, snapshot);
        }
        state.State = rebuilt;
        _index = index;
        _view = rebuilt.ToView(_flightId);
        _changed = true;
        LogBuilt(logger, _flightId, rebuilt.Count);

        await WriteSnapshotAsync(clean: false);
        StartTimers();
        return true;
    }

    private void Every(TimeSpan period, Func<SeatMapGrain, Task> tick) =>
        this.RegisterGrainTimer(
            static (state, _) => state.Tick(state.Grain),
            (Grain: this, Tick: tick),
            new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = false, KeepAlive = false });

    /// <summary>The seats whose latest audited version is newer than the map's copy.</summary>
    private List<string> SeatsBehind(IReadOnlyDictionary<string, long> latest, Dictionary<string, int> index) =>
        [.. latest.Where(seat => index.TryGetValue(seat.Key, out var i) && seat.Value > state.State.Versions[i]).Select(seat => seat.Key)];

    /// <summary>
    /// Asks the audit trail which seats changed since the last look (minus the catch-up margin) and re-reads those
    /// the map is behind on. Usually none: then no seat is called.
    /// </summary>
    private async Task ReconcileAsync()
    {
        if (_index is null || _superseded)
        {
            return;
        }
        var askedAt = time.GetUtcNow();
        IReadOnlyDictionary<string, long> latest;
        try
        {
            latest = await auditLog.LatestSeatVersionsAsync(_flightId, _reconciledAt - CatchUpMargin);
        }
        catch (Exception ex)
        {
            LogReconcileFailed(logger, ex, _flightId);
            return;
        }
        _reconciledAt = askedAt;
        var behind = SeatsBehind(latest, _index);
        foreach (var snapshot in await ReadSeatsAsync(behind))
        {
            await ApplyAsync(snapshot);
        }
        if (behind.Count > 0)
        {
            LogReconciled(logger, _flightId, behind.Count);
        }
    }

    private void StartTimers()
    {
        if (_timersStarted)
        {
            return;
        }
        _timersStarted = true;
        // None keeps the map alive: an idle map deactivates (with a clean snapshot) like any idle grain.
        Every(options.Value.ExpirySweepInterval, static grain => grain.SweepAsync());
        Every(ReconcileInterval, static grain => grain.ReconcileAsync());
        Every(SnapshotInterval, static grain => grain.OnSnapshotTickAsync());
    }

    // Only the "not clean" marker matters while the map lives (it is written before the first notification is
    // applied; the tick only retries it when that write failed): after a crash a not-clean snapshot is rebuilt from
    // the seats anyway, so writing every change would cost a write per second per busy flight for nothing. The
    // full, clean snapshot is written on graceful deactivation. A map that is only read never writes.
    private Task OnSnapshotTickAsync() =>
        !_superseded && _storedClean && _unmarked ? WriteSnapshotAsync(clean: false) : Task.CompletedTask;

    /// <summary>Writes the map; a failure is logged and retried by the next tick (memory stays right).</summary>
    private async Task WriteSnapshotAsync(bool clean)
    {
        state.State.Clean = clean;
        state.State.WrittenAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
            _changed = false;
            _storedClean = clean;
            _unmarked = false;
        }
        catch (InconsistentStateException ex)
        {
            LogSuperseded(logger, ex, _flightId);
            await LeaveAsync();
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, _flightId, clean);
        }
        finally
        {
            state.State.Clean = false;
        }
    }

    /// <summary>
    /// Someone else wrote our row (a duplicate activation in a membership change, or an earlier write that
    /// landed although it reported a failure). Neither copy can vouch for every notification, so the row is
    /// marked not clean and this activation leaves: the next one rebuilds from the seats. Until then it keeps
    /// serving what it has.
    /// </summary>
    private async Task LeaveAsync()
    {
        _superseded = true;
        DeactivateOnIdle();
        var ours = state.State;
        try
        {
            await state.ReadStateAsync();
            if (state.RecordExists && state.State.Clean)
            {
                state.State.Clean = false;
                await state.WriteStateAsync();
            }
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, _flightId, clean: false);
        }
        finally
        {
            state.State = ours;
        }
    }

    /// <summary>Nudges every seat whose hold should have ended; the seat decides and tells us.</summary>
    private Task SweepAsync()
    {
        if (_index is null)
        {
            return Task.CompletedTask;
        }
        var now = time.GetUtcNow();
        var map = state.State;
        for (var i = 0; i < map.Count; i++)
        {
            if (map.Statuses[i] == SeatStatus.Held && map.HoldExpiresAt[i] is { } at && at <= now)
            {
                GrainFactory.GetSeatGrain(_flightId, map.SeatNumbers[i]).ExpireIfDueAsync().Ignore();
            }
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Seat map of {FlightId} built from {SeatCount} seats")]
    private static partial void LogBuilt(ILogger logger, string flightId, int seatCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat map of {FlightId}: caught up {SeatCount} seats that changed after its clean snapshot was written")]
    private static partial void LogCaughtUp(ILogger logger, string flightId, int seatCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat map of {FlightId}: {SeatCount} seats changed without notifying the map (a notification lost with a process); re-read from the seats")]
    private static partial void LogReconciled(ILogger logger, string flightId, int seatCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat map of {FlightId}: the audit log could not say which seats changed lately; asked again in a minute")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string flightId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat map of {FlightId}: the audit log could not say which seats changed after the clean snapshot; it is rebuilt from the seats")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string flightId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat map of {FlightId}: the stored snapshot is not clean (its activation ended without deactivating); it is rebuilt from the seats")]
    private static partial void LogNotClean(ILogger logger, string flightId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat map of {FlightId}: writing the snapshot (clean: {Clean}) failed; the next tick or activation repairs it")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string flightId, bool clean);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat map of {FlightId}: the stored snapshot was written by someone else; marking it not clean and deactivating")]
    private static partial void LogSuperseded(ILogger logger, Exception exception, string flightId);
}
