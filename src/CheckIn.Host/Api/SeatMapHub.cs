using System.Collections.Concurrent;
using System.Threading.Channels;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Telemetry;

namespace CheckIn.Host.Api;

/// <summary>The seats that changed between two consecutive views of a flight's map, in map order.</summary>
internal sealed record SeatMapChange(long FromVersion, long Version, IReadOnlyList<SeatMapEntry> Seats);

/// <summary>
/// This process's seat-map hubs: one per flight with at least one open stream, created by the first subscriber and
/// disposed when the last one leaves. The counters let tests see that many streams of one flight share one hub; the
/// <c>checkin.stream.subscribers</c> gauge counts each subscription from its join to its dispose (exactly once).
/// </summary>
internal sealed partial class SeatMapHubs(
    SeatMapCache cache, TimeProvider time, SeatMapStreamCounters counters, CheckInMetrics metrics, ILogger<SeatMapHubs> logger)
{
    public const string StreamName = "seatmap";

    private readonly Dictionary<string, SeatMapHub> _hubs = new(StringComparer.Ordinal);

    /// <summary>Joins the flight's hub (creating it with <paramref name="initial"/> if there is none).</summary>
    public SeatMapSubscription Subscribe(FlightInfo flight, CachedSeatMap initial)
    {
        lock (_hubs)
        {
            if (!_hubs.TryGetValue(flight.FlightId, out var hub))
            {
                hub = new SeatMapHub(this, flight, initial);
                _hubs[flight.FlightId] = hub;
                counters.HubCreated(flight.FlightId);
                hub.Start();
            }
            var subscription = hub.Add();
            metrics.StreamSubscribers(StreamName, 1);
            return subscription;
        }
    }

    /// <summary>Called by a hub whose last subscriber left; the hub stops unless someone joined meanwhile.</summary>
    internal bool TryRemove(SeatMapHub hub)
    {
        lock (_hubs)
        {
            if (!hub.IsEmpty || !_hubs.TryGetValue(hub.Flight.FlightId, out var current) || current != hub)
            {
                return false;
            }
            _hubs.Remove(hub.Flight.FlightId);
            counters.HubDisposed(hub.Flight.FlightId);
            return true;
        }
    }

    internal SeatMapCache Cache => cache;

    internal TimeProvider Time => time;

    internal SeatMapStreamCounters Counters => counters;

    internal CheckInMetrics Metrics => metrics;

    internal ILogger Logger => logger;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the seat map of flight {FlightId} for its event streams failed")]
    internal static partial void LogPollFailed(ILogger logger, Exception exception, string flightId);
}

/// <summary>
/// One flight's fan-out in this process: reads the map every <see cref="PollInterval"/> (one read, whatever the
/// number of streams), computes which seats changed since the previous view and hands that change to every
/// subscriber's bounded channel. It keeps the last <see cref="HistorySize"/> changes so a reconnecting client can
/// resume from its last event id.
/// </summary>
internal sealed class SeatMapHub : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    public const int HistorySize = 64;

    private readonly SeatMapHubs _owner;
    private readonly HashSet<SeatMapSubscription> _subscribers = [];
    private readonly LinkedList<SeatMapChange> _history = new();
    private readonly CancellationTokenSource _stop = new();
    private CachedSeatMap _current;

    public SeatMapHub(SeatMapHubs owner, FlightInfo flight, CachedSeatMap initial)
    {
        _owner = owner;
        Flight = flight;
        _current = initial;
    }

    public FlightInfo Flight { get; }

    internal SeatMapHubs Owner => _owner;

    public bool IsEmpty
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count == 0;
            }
        }
    }

    public void Start() => _ = PollAsync(_stop.Token);

    public SeatMapSubscription Add()
    {
        lock (_subscribers)
        {
            var subscription = new SeatMapSubscription(this, _current, [.. _history]);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    public CachedSeatMap Current
    {
        get
        {
            lock (_subscribers)
            {
                return _current;
            }
        }
    }

    internal void Remove(SeatMapSubscription subscription)
    {
        lock (_subscribers)
        {
            _subscribers.Remove(subscription);
        }
        if (_owner.TryRemove(this))
        {
            Dispose();
        }
    }

    /// <summary>Stops polling; the polling loop disposes its token source as it ends.</summary>
    public void Dispose() => _stop.Cancel();

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval, _owner.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    _owner.Counters.MapRead(Flight.FlightId);
                    if (await _owner.Cache.GetAsync(Flight) is { } map)
                    {
                        Publish(map);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Tried again at the next tick; the streams stay open and simply see the change later.
                    SeatMapHubs.LogPollFailed(_owner.Logger, ex, Flight.FlightId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private void Publish(CachedSeatMap map)
    {
        lock (_subscribers)
        {
            // Only forward: a replica read that lags behind must never send an older version after a newer one.
            if (map.View.Version <= _current.View.Version)
            {
                return;
            }
            var change = new SeatMapChange(_current.View.Version, map.View.Version, Diff(_current.View, map.View));
            _current = map;
            _history.AddLast(change);
            if (_history.Count > HistorySize)
            {
                _history.RemoveFirst();
            }
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(change);
            }
        }
    }

    /// <summary>The entries of <paramref name="next"/> whose status or hold expiry differ from <paramref name="previous"/>.</summary>
    public static IReadOnlyList<SeatMapEntry> Diff(SeatMapView previous, SeatMapView next)
    {
        var changed = new List<SeatMapEntry>();
        for (var i = 0; i < next.Seats.Count; i++)
        {
            var now = next.Seats[i];
            if (i >= previous.Seats.Count || previous.Seats[i].Status != now.Status || previous.Seats[i].HoldExpiresAt != now.HoldExpiresAt)
            {
                changed.Add(now);
            }
        }
        return changed;
    }
}

/// <summary>
/// One open stream's place in a hub: the map and recent changes as they were when it joined, then each change in
/// a bounded channel. A stream that falls behind (its channel full) is marked and sent a full map instead.
/// </summary>
internal sealed class SeatMapSubscription : IAsyncDisposable
{
    public const int Capacity = 32;

    private readonly SeatMapHub _hub;
    private readonly Channel<SeatMapChange> _changes = Channel.CreateBounded<SeatMapChange>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private int _behind;
    private int _disposed;

    public SeatMapSubscription(SeatMapHub hub, CachedSeatMap joinedAt, IReadOnlyList<SeatMapChange> history)
    {
        _hub = hub;
        JoinedAt = joinedAt;
        History = history;
    }

    public CachedSeatMap JoinedAt { get; }

    public IReadOnlyList<SeatMapChange> History { get; }

    public ChannelReader<SeatMapChange> Changes => _changes.Reader;

    /// <summary>The hub's map now (for a stream that fell behind).</summary>
    public CachedSeatMap Current => _hub.Current;

    internal void Offer(SeatMapChange change)
    {
        if (!_changes.Writer.TryWrite(change))
        {
            Interlocked.Exchange(ref _behind, 1);
        }
    }

    /// <summary>True once after the channel overflowed: the reader should drop what it holds and send the full map.</summary>
    public bool TakeFellBehind() => Interlocked.Exchange(ref _behind, 0) == 1;

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _changes.Writer.TryComplete();
            _hub.Owner.Metrics.StreamSubscribers(SeatMapHubs.StreamName, -1);
            _hub.Remove(this);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// What the seat-map hubs of this process did, per flight: hubs created, hubs open now and map reads. Operators and
/// tests read it to see that N streams of a flight cost one hub and one read per poll, not N.
/// </summary>
public sealed class SeatMapStreamCounters
{
    private readonly ConcurrentDictionary<string, FlightCounters> _flights = new(StringComparer.Ordinal);

    public long HubsCreated(string flightId) => Of(flightId).Created;

    public long HubsOpen(string flightId) => Of(flightId).Open;

    public long MapReads(string flightId) => Of(flightId).Reads;

    internal void HubCreated(string flightId)
    {
        var counters = Of(flightId);
        Interlocked.Increment(ref counters.Created);
        Interlocked.Increment(ref counters.Open);
    }

    internal void HubDisposed(string flightId) => Interlocked.Decrement(ref Of(flightId).Open);

    internal void MapRead(string flightId) => Interlocked.Increment(ref Of(flightId).Reads);

    private FlightCounters Of(string flightId) => _flights.GetOrAdd(flightId, _ => new FlightCounters());

    private sealed class FlightCounters
    {
        public long Created;
        public long Open;
        public long Reads;
    }
}
