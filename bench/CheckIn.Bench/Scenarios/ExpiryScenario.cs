using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>expiry</c>: N holds made as fast as the host takes them, with a short hold duration, so that they expire in a
/// burst; the seat maps are polled and, per seat, the lag from <c>holdExpiresAt</c> until the map shows the seat
/// released is recorded (the time the showing response arrived: an upper bound). Host and bench share the clock.
/// </summary>
internal static class ExpiryScenario
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var seatsPerFlight = Fleet.SeatNumbers(o.Rows, o.Columns).Count;
        var flights = Math.Max(1, (o.Holds + seatsPerFlight - 1) / seatsPerFlight);
        var fleet = await ctx.CreateFleetAsync(flights, o.Rows, Math.Min(seatsPerFlight, (o.Holds + flights - 1) / flights));
        await ctx.PrimeAsync(fleet);
        var queue = new ConcurrentQueue<PassengerSlot>(fleet.Slots.Take(o.Holds));
        var pending = new ExpiryWatch();
        var hold = new OperationRecorder("hold");
        var lag = new OperationRecorder("expiry-lag");
        var reads = new OperationRecorder("seatmap-poll");
        hold.OpenWindow(Stopwatch.GetTimestamp());
        reads.OpenWindow(Stopwatch.GetTimestamp());
        using var http = ctx.LoadClient(o.Clients);
        using var pollHttp = ctx.LoadClient(8);
        var holding = true;
        ctx.Progress.Phase($"expiry: {queue.Count} holds, then their expiry", BenchContext.Counters(hold, reads),
            () => $"{(holding ? "holding" : "waiting")}, {pending.Count} holds not yet released, lag samples {lag.Seen}");
        var from = ctx.Sampler.Now;
        var started = Stopwatch.GetTimestamp();
        var poller = PollAsync(pollHttp, pending, reads, lag, () => holding, ctx.Cancellation);
        await Task.WhenAll(Enumerable.Range(0, o.Clients).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var slot))
            {
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand("hold", slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), true, ctx.Cancellation);
                hold.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
                if (outcome.IsSuccess && SeatMapReads.HoldExpiresAt(outcome.Body) is { } expires)
                {
                    pending.Add(slot.FlightId, slot.SeatNumber, expires);
                }
            }
        })));
        var holdingTook = Stopwatch.GetElapsedTime(started);
        hold.CloseWindow(Stopwatch.GetTimestamp());
        holding = false;
        var neverReleased = await poller;
        reads.CloseWindow(Stopwatch.GetTimestamp());
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        ctx.Report.Add(hold, lag, reads);

        var holds = hold.Summarize(holdingTook);
        var lags = lag.Summarize();
        var report = ctx.Report;
        report.Check("every hold succeeded", holds.Errors == 0, $"{holds.Errors} errors");
        report.Check("every hold was released", neverReleased == 0, $"{neverReleased} still held {GiveUpAfter.TotalSeconds} s after expiry");
        report.Figures["holdsPerSecond"] = Math.Round(holds.ThroughputPerSecond, 1);
        report.Figures["holdingSeconds"] = Math.Round(holdingTook.TotalSeconds, 2);
        report.Figures["flights"] = fleet.Flights.Count;
        report.Figures["expiryLagMs"] = new JsonObject
        {
            ["count"] = lags.Count,
            ["p50"] = Math.Round(lags.LatencyMs.P50, 1),
            ["p90"] = Math.Round(lags.LatencyMs.P90, 1),
            ["p99"] = Math.Round(lags.LatencyMs.P99, 1),
            ["max"] = Math.Round(lags.LatencyMs.Max, 1),
            ["neverReleased"] = neverReleased,
        };
        report.Targets.Add(TargetCheck.AtMost("expiry lag p99 (holdExpiresAt -> map shows AVAILABLE)", lags.LatencyMs.P99, 250, "ms"));
        report.Targets.Add(TargetCheck.AtMost("expiry lag max", neverReleased > 0 ? double.PositiveInfinity : lags.LatencyMs.Max, 1000, "ms"));
        report.Targets.Add(new TargetCheck("errors", "0", $"{holds.Errors}", holds.Errors == 0));
    }

    /// <summary>Polls (with If-None-Match) only flights with a hold already past its expiry, until every hold is released.</summary>
    private static async Task<int> PollAsync(
        HttpClient http, ExpiryWatch pending, OperationRecorder reads, OperationRecorder lag, Func<bool> holding, CancellationToken cancellationToken)
    {
        var etags = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        while (holding() || pending.Count > 0)
        {
            var now = DateTimeOffset.UtcNow;
            var due = pending.FlightsDue(now);
            if (due.Count == 0)
            {
                var next = pending.NextExpiry();
                var wait = next is { } n ? n - now : TimeSpan.FromMilliseconds(20);
                await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait > TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : wait, cancellationToken);
                continue;
            }
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (flight, ct) =>
            {
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(CheckInClient.SeatMapPath(flight), etags.GetValueOrDefault(flight)), true, ct);
                var received = DateTimeOffset.UtcNow;
                reads.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.Status is 200 or 304 ? null : outcome.Describe());
                if (outcome.Status != 200 || outcome.Body is null)
                {
                    return;
                }
                var map = SeatMapState.Parse(outcome.Body, outcome.ETag);
                if (map.ETag is not null)
                {
                    etags[flight] = map.ETag;
                }
                foreach (var (_, expires) in pending.Released(flight, map, received))
                {
                    lag.RecordValue(received - expires);
                }
            });
            foreach (var (_, expires) in pending.GiveUp(DateTimeOffset.UtcNow - GiveUpAfter))
            {
                lag.RecordValue(GiveUpAfter, "never released");
            }
        }
        return pending.GivenUp;
    }

    /// <summary>Holds not yet seen released, by flight.</summary>
    private sealed class ExpiryWatch
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _byFlight = new(StringComparer.Ordinal);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public int GivenUp { get; private set; }

        public void Add(string flight, string seat, DateTimeOffset expires)
        {
            lock (_gate)
            {
                if (!_byFlight.TryGetValue(flight, out var seats))
                {
                    _byFlight[flight] = seats = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                }
                seats[seat] = expires;
                _count++;
            }
        }

        public List<string> FlightsDue(DateTimeOffset now)
        {
            lock (_gate)
            {
                return [.. _byFlight.Where(f => f.Value.Values.Any(e => e <= now)).Select(f => f.Key)];
            }
        }

        public DateTimeOffset? NextExpiry()
        {
            lock (_gate)
            {
                return _byFlight.Values.SelectMany(s => s.Values).Select(e => (DateTimeOffset?)e).Min();
            }
        }

        /// <summary>Seats past their expiry that the map no longer shows under their hold (released or re-held).</summary>
        public List<(string Seat, DateTimeOffset Expires)> Released(string flight, SeatMapState map, DateTimeOffset received)
        {
            lock (_gate)
            {
                if (!_byFlight.TryGetValue(flight, out var seats))
                {
                    return [];
                }
                var released = seats.Where(s => s.Value <= received)
                    .Where(s => !map.Seats.TryGetValue(s.Key, out var view) || view.Status != "HELD" || view.HoldExpiresAt != s.Value)
                    .Select(s => (s.Key, s.Value)).ToList();
                foreach (var (seat, _) in released)
                {
                    seats.Remove(seat);
                }
                if (seats.Count == 0)
                {
                    _byFlight.Remove(flight);
                }
                _count -= released.Count;
                return released;
            }
        }

        public List<(string Seat, DateTimeOffset Expires)> GiveUp(DateTimeOffset expiredBefore)
        {
            lock (_gate)
            {
                var stale = _byFlight.SelectMany(f => f.Value.Where(s => s.Value < expiredBefore).Select(s => (Flight: f.Key, Seat: s.Key, Expires: s.Value))).ToList();
                foreach (var (flight, seat, _) in stale)
                {
                    _byFlight[flight].Remove(seat);
                    if (_byFlight[flight].Count == 0)
                    {
                        _byFlight.Remove(flight);
                    }
                }
                _count -= stale.Count;
                GivenUp += stale.Count;
                return [.. stale.Select(s => (s.Seat, s.Expires))];
            }
        }
    }
}
