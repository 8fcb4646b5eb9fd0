using System.Diagnostics;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// Visibility lag of holds: from the hold's 2xx to the first seat map read that shows that very hold (the seat
/// HELD with the hold's <c>holdExpiresAt</c>, which is unique per hold). A hold a poller saw before its 2xx arrived
/// counts as 0.
/// </summary>
internal sealed class VisibilityTracker(OperationRecorder lag)
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Seat, DateTimeOffset Expires), long> _seenAt = [];
    private readonly Dictionary<(string Seat, DateTimeOffset Expires), long> _pending = [];

    public int NeverSeen { get; private set; }

    public void Acknowledged(string seat, DateTimeOffset expires, long acknowledgedAt)
    {
        lock (_gate)
        {
            if (_seenAt.TryGetValue((seat, expires), out var seen))
            {
                lag.RecordValue(Elapsed(acknowledgedAt, seen));
            }
            else
            {
                _pending[(seat, expires)] = acknowledgedAt;
            }
        }
    }

    public void Observed(SeatMapState map, long receivedAt)
    {
        lock (_gate)
        {
            foreach (var (seat, view) in map.Seats)
            {
                if (view.Status == "HELD" && view.HoldExpiresAt is { } expires && _seenAt.TryAdd((seat, expires), receivedAt)
                    && _pending.Remove((seat, expires), out var acknowledged))
                {
                    lag.RecordValue(Elapsed(acknowledged, receivedAt));
                }
            }
        }
    }

    /// <summary>Holds never seen: recorded with the time they waited (a lower bound) and counted.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var acknowledged in _pending.Values)
            {
                lag.RecordValue(Elapsed(acknowledged, now), "never seen");
            }
            NeverSeen = _pending.Count;
            _pending.Clear();
        }
    }

    private static TimeSpan Elapsed(long from, long to) => to <= from ? TimeSpan.Zero : Stopwatch.GetElapsedTime(from, to);
}
