using CheckIn.Contracts;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Seats;

/// <summary>
/// A flight's seat map read model, in memory. Built once per activation by asking each seat, then kept current by
/// the seats' one-way notifications, applied only when newer (by seat version). It calls seats only one-way
/// (the expiry sweep), so seat → map and map → seat never wait on each other.
/// </summary>
internal sealed partial class SeatMapGrain(
    TimeProvider time,
    IOptions<SeatHoldOptions> options,
    ILogger<SeatMapGrain> logger) : Grain, ISeatMapGrain
{
    private string _flightId = "";
    private FlightInfo? _flight;
    private SeatMapEntry[] _entries = [];
    private long[] _versions = [];
    private DateTimeOffset[] _updatedAt = [];
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private SeatMapView? _view;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _flightId = this.GetPrimaryKeyString();
        await EnsureBuiltAsync();
    }

    public async Task<SeatMapView?> GetAsync()
    {
        if (!await EnsureBuiltAsync())
        {
            return null;
        }
        return _view ??= BuildView();
    }

    /// <summary>Builds the map once the flight exists; until then every call asks again (flights are created later).</summary>
    private async Task<bool> EnsureBuiltAsync()
    {
        if (_flight is not null)
        {
            return true;
        }
        var flight = await GrainFactory.GetFlightGrain(_flightId).GetAsync();
        if (flight is null)
        {
            return false;
        }

        var seats = flight.Seats;
        _entries = new SeatMapEntry[seats.Count];
        _versions = new long[seats.Count];
        _updatedAt = new DateTimeOffset[seats.Count];
        for (var i = 0; i < seats.Count; i++)
        {
            _index[seats[i].SeatNumber] = i;
            _entries[i] = new SeatMapEntry(seats[i].SeatNumber, seats[i].Blocked ? SeatStatus.Blocked : SeatStatus.Available, null, null);
            _versions[i] = -1;
        }
        _flight = flight;

        var snapshots = await Task.WhenAll(seats.Select(s => GrainFactory.GetSeatGrain(_flightId, s.SeatNumber).GetAsync()));
        foreach (var snapshot in snapshots)
        {
            if (snapshot.IsSuccess)
            {
                Apply(snapshot.Value);
            }
        }

        this.RegisterGrainTimer(
            static (grain, _) => grain.SweepAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = options.Value.ExpirySweepInterval,
                Period = options.Value.ExpirySweepInterval,
                Interleave = false,
                KeepAlive = false,
            });
        LogBuilt(logger, _flightId, seats.Count);
        return true;
    }

    public Task SeatChangedAsync(SeatSnapshot snapshot)
    {
        Apply(snapshot);
        return Task.CompletedTask;
    }

    private void Apply(SeatSnapshot snapshot)
    {
        if (!_index.TryGetValue(snapshot.SeatNumber, out var i) || snapshot.Version <= _versions[i])
        {
            return;
        }
        _versions[i] = snapshot.Version;
        _updatedAt[i] = snapshot.UpdatedAt;
        _entries[i] = new SeatMapEntry(snapshot.SeatNumber, snapshot.Status, snapshot.HoldExpiresAt, snapshot.PassengerId);
        _view = null;
    }

    private SeatMapView BuildView()
    {
        long version = 0;
        var lastUpdated = _flight!.CreatedAt;
        for (var i = 0; i < _entries.Length; i++)
        {
            version += Math.Max(0, _versions[i]);
            if (_updatedAt[i] > lastUpdated)
            {
                lastUpdated = _updatedAt[i];
            }
        }
        return new SeatMapView(_flightId, version, lastUpdated, [.. _entries]);
    }

    /// <summary>Nudges every seat whose hold should have ended; the seat decides and tells us.</summary>
    private Task SweepAsync()
    {
        var now = time.GetUtcNow();
        foreach (var entry in _entries)
        {
            if (entry is { Status: SeatStatus.Held, HoldExpiresAt: { } at } && at <= now)
            {
                GrainFactory.GetSeatGrain(_flightId, entry.SeatNumber).ExpireIfDueAsync().Ignore();
            }
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Seat map of {FlightId} built from {SeatCount} seats")]
    private static partial void LogBuilt(ILogger logger, string flightId, int seatCount);
}
