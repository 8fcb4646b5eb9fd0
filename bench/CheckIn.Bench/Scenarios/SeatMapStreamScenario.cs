using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>seatmap-stream</c>: N anonymous subscribers to one flight's seat-map stream, then M seat changes through the
/// API at --write-rate per second, each at a random point of its 1/rate slot: M/2 passengers each hold a distinct
/// seat, then release them in the same order. A release waits until the first stream showed its seat's hold: a hold
/// and its release within one poll of the hub would show as no change at all. Per (change, subscriber) pair: the
/// command's 2xx → the event carrying the change at that subscriber (see <see cref="StreamDelivery"/>).
/// </summary>
internal static class SeatMapStreamScenario
{
    private const double P99TargetMs = 1000;
    private const int ConnectConcurrency = 32;
    private static readonly TimeSpan FirstMapDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var holds = Math.Max(1, o.Changes / 2);
        if (o.Subscribers < 1 || o.WriteRate <= 0)
        {
            throw new BenchException($"--subscribers {o.Subscribers} and --write-rate {o.WriteRate}: need at least one subscriber and a positive rate.");
        }
        var fleet = await ctx.CreateFleetAsync(1, o.Rows, holds);
        await ctx.PrimeAsync(fleet);
        var flightId = fleet.Flights[0];

        var before = await QuietHostAsync(ctx);
        var connect = new OperationRecorder("subscribe");
        connect.OpenWindow(Stopwatch.GetTimestamp());
        using var streamHttp = HttpExchange.CreateClient(ctx.Target.BaseAddress, o.Subscribers + 1, Timeout.InfiniteTimeSpan);
        var subscribers = new SeatMapSubscriber[o.Subscribers];
        var opened = 0;
        var connectStarted = Stopwatch.GetTimestamp();
        try
        {
            ctx.Progress.Phase($"seatmap-stream: opening {o.Subscribers} streams to {flightId}", BenchContext.Counters(connect),
                () => $"{Volatile.Read(ref opened)}/{o.Subscribers} open");
            await Parallel.ForEachAsync(Enumerable.Range(0, o.Subscribers),
                new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency, CancellationToken = ctx.Cancellation },
                async (i, ct) =>
                {
                    var start = Stopwatch.GetTimestamp();
                    subscribers[i] = await SeatMapSubscriber.OpenAsync(streamHttp, flightId, ct);
                    connect.Record(start, Stopwatch.GetTimestamp(), 200, null);
                    Interlocked.Increment(ref opened);
                });
            await WaitAsync(ctx, () => subscribers.All(s => s.LastId >= 0 || s.Failure is not null), FirstMapDeadline);
            var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
            var withoutFirstMap = subscribers.Count(s => s.LastId < 0);
            var open = await QuietHostAsync(ctx);

            var commands = new OperationRecorder("seat-command");
            var lag = new OperationRecorder("change-to-event");
            var changes = new List<SeatChange>();
            using var http = ctx.LoadClient(2);
            var slots = fleet.Slots.Take(holds).ToList();
            var plan = slots.Select(s => ("hold", s, "HELD")).Concat(slots.Select(s => ("release", s, "AVAILABLE"))).ToList();
            ctx.Progress.Phase($"seatmap-stream: {plan.Count} changes at {o.WriteRate:0.#}/s to {o.Subscribers} streams", BenchContext.Counters(commands),
                () => $"last event id min {subscribers.Min(s => s.LastId)} max {subscribers.Max(s => s.LastId)}");
            var from = ctx.Sampler.Now;
            var begin = Stopwatch.GetTimestamp();
            commands.OpenWindow(begin);
            // Each command at a random point of its 1/rate slot (fixed seed): a fixed spacing would land every change at the
            // same phase of the hub's 250 ms poll and measure one point of the lag's range instead of all of it.
            var jitter = new Random(13);
            var probe = new ShownSeats(subscribers[0]);
            for (var i = 0; i < plan.Count; i++)
            {
                var due = TimeSpan.FromSeconds((i + jitter.NextDouble()) / o.WriteRate) - Stopwatch.GetElapsedTime(begin);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, ctx.Cancellation);
                }
                var (command, slot, status) = plan[i];
                if (command == "release")
                {
                    // A release sent before the hub published the seat's hold would fold both into one poll (no change
                    // to see): wait until the first stream showed the hold.
                    await WaitAsync(ctx, () => probe.Shows(slot.SeatNumber, "HELD") || subscribers[0].Failure is not null, PublishDeadline);
                }
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand(command, slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), false, ctx.Cancellation);
                var answered = Stopwatch.GetTimestamp();
                commands.Record(start, answered, outcome.Status, outcome.IsSuccess ? null : $"{command} {outcome.Describe()}");
                if (outcome.IsSuccess)
                {
                    changes.Add(new SeatChange(slot.SeatNumber, status, answered));
                }
            }
            commands.CloseWindow(Stopwatch.GetTimestamp());
            await SettleAsync(ctx, subscribers);
            ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);

            var failed = subscribers.Where(s => s.Failure is not null).ToList();
            var streams = subscribers.Select(s => s.Events).ToList();
            var counts = StreamDelivery.Analyze(changes, streams, lag);
            ctx.Report.Add(lag, commands, connect);
            var window = ctx.Sampler.Between(from, ctx.Sampler.Now);
            var hostCpuMs = window.Count < 2 ? 0 : window.Average(x => x.HostCpu) / 100 * (window[^1].Seconds - window[0].Seconds) * 1000;
            Report(ctx, counts, lag, failed, withoutFirstMap, plan.Count, connectSeconds, before, open, hostCpuMs);
        }
        finally
        {
            foreach (var subscriber in subscribers.Where(s => s is not null))
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    private static void Report(
        BenchContext ctx, DeliveryCounts counts, OperationRecorder lag, List<SeatMapSubscriber> failed, int withoutFirstMap, int planned,
        double connectSeconds, HostAtRest before, HostAtRest open, double hostCpuMsWhileChanging)
    {
        var latency = lag.Summarize().LatencyMs;
        ctx.Report.Figures["stream"] = new JsonObject
        {
            ["subscribers"] = counts.Subscribers,
            ["changesPlanned"] = planned,
            ["changes"] = counts.Changes,
            ["changesPublished"] = counts.ChangesPublished,
            ["changeToEventMs"] = ResultWriter.Latency(latency),
            ["expectedDeliveries"] = counts.Expected,
            ["delivered"] = counts.Delivered,
            ["deliveredBySeatsEvent"] = counts.ViaSeatsEvent,
            ["deliveredByFullMap"] = counts.ViaFullMap,
            ["missed"] = counts.Missed,
            ["missedAsGap"] = counts.Gaps,
            ["missedNeverArrived"] = counts.NeverArrived,
            ["arrivedBefore2xx"] = counts.ArrivedBefore2xx,
            ["versionRegressions"] = counts.VersionRegressions,
            ["failedStreams"] = failed.Count,
            ["streamsWithoutFirstMap"] = withoutFirstMap,
            ["seatsEvents"] = counts.SeatsEvents,
            ["fullMaps"] = counts.FullMaps,
            ["fullMapsAfterFirst"] = counts.FullMapsAfterFirst,
            ["distinctVersions"] = counts.DistinctVersions,
            ["connectSeconds"] = Math.Round(connectSeconds, 2),
            ["hostRssMb"] = new JsonObject
            {
                ["beforeStreams"] = Math.Round(before.RssMb, 1),
                ["withStreams"] = Math.Round(open.RssMb, 1),
                ["perStreamKb"] = Math.Round((open.RssMb - before.RssMb) * 1024 / Math.Max(1, counts.Subscribers), 1),
            },
            // Host CPU (% of one core) over 3 s without changes, before and with the streams open: what idle streams cost.
            ["hostCpuAtRest"] = new JsonObject
            {
                ["beforeStreams"] = Math.Round(before.CpuPercent, 1),
                ["withStreams"] = Math.Round(open.CpuPercent, 1),
            },
            // Host CPU time over the changes (from the first command until every stream caught up) per delivered event.
            ["hostCpuMsPerDelivery"] = counts.Delivered == 0 ? null : Math.Round(hostCpuMsWhileChanging / counts.Delivered, 4),
            // SeatMapStreamCounters live in the host process and no API exposes them; what the streams show of them
            // is distinctVersions (one hub change per new version) and fullMapsAfterFirst (streams that fell behind).
            ["hostCounters"] = null,
        };
        ctx.Report.Check("every subscriber got every change (seats event or a full map covering it)", counts.Missed == 0,
            $"{counts.Missed} of {counts.Expected} (change, subscriber) pairs missed: {counts.Gaps} gaps, {counts.NeverArrived} never arrived");
        ctx.Report.Check("every change was published in a seats event", counts.ChangesPublished == counts.Changes,
            $"{counts.Changes - counts.ChangesPublished} of {counts.Changes} changes never appeared in a seats event");
        ctx.Report.Check("every seat command answered 2xx", counts.Changes == planned, $"{planned - counts.Changes} of {planned} failed");
        ctx.Report.Check("no stream failed", failed.Count == 0 && withoutFirstMap == 0,
            $"{failed.Count} failed ({failed.FirstOrDefault()?.Failure?.Message}), {withoutFirstMap} without a first map");
        ctx.Report.Check("never an older version after a newer one", counts.VersionRegressions == 0, $"{counts.VersionRegressions} regressions");
        ctx.Report.Targets.Add(TargetCheck.AtMost($"change -> event p99 at every one of {counts.Subscribers} subscribers", latency.P99, P99TargetMs, "ms"));
        ctx.Report.Targets.Add(new TargetCheck("every change reached every subscriber", "0 missed",
            $"{counts.Missed} of {counts.Expected} missed", counts.Missed == 0));
        ctx.Report.Notes.Add($"change-to-event: from the seat command's 2xx (arrival of its response headers at the bench) to the arrival of the "
            + $"first event at or after the version that carried the change, on each of {counts.Subscribers} streams of one flight, read by the bench "
            + "on the same machine (HttpClient, one connection per stream; the bench's own CPU is cpu.benchPercentOfOneCore). It includes the hub's "
            + "250 ms poll, the seat map's one-way update and the fan-out to every stream. An event that overtook the command's answer is recorded "
            + "as 0 and counted in stream.arrivedBefore2xx.");
        ctx.Report.Notes.Add("stream.hostCounters is null: the host's SeatMapStreamCounters (hubs created/open, map reads per flight) are "
            + "in-process only (tests read them through the service provider); with one flight, distinctVersions is the number of changes the "
            + "hub published.");
    }

    private readonly record struct HostAtRest(double RssMb, double CpuPercent);

    /// <summary>The host's RSS and average CPU over 3 s in which the bench sends nothing (the sampler reads both every 500 ms).</summary>
    private static async Task<HostAtRest> QuietHostAsync(BenchContext ctx)
    {
        var from = ctx.Sampler.Now;
        await Task.Delay(TimeSpan.FromSeconds(3), ctx.Cancellation);
        var samples = ctx.Sampler.Between(from, ctx.Sampler.Now);
        return new HostAtRest(ctx.Sampler.Latest?.HostRssMb ?? 0, samples.Count == 0 ? 0 : samples.Average(x => x.HostCpu));
    }

    /// <summary>Waits until every stream reached the highest version any stream has and no new version came for a while.</summary>
    private static async Task SettleAsync(BenchContext ctx, SeatMapSubscriber[] subscribers)
    {
        var started = Stopwatch.GetTimestamp();
        var highest = -1L;
        var since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < SettleDeadline)
        {
            var now = subscribers.Max(s => s.LastId);
            if (now != highest)
            {
                (highest, since) = (now, Stopwatch.GetTimestamp());
            }
            var caughtUp = subscribers.All(s => s.LastId == highest || s.Failure is not null);
            if (caughtUp && Stopwatch.GetElapsedTime(since) >= Quiet)
            {
                return;
            }
            await Task.Delay(50, ctx.Cancellation);
        }
    }

    private static async Task WaitAsync(BenchContext ctx, Func<bool> done, TimeSpan deadline)
    {
        var started = Stopwatch.GetTimestamp();
        while (!done() && Stopwatch.GetElapsedTime(started) < deadline)
        {
            await Task.Delay(20, ctx.Cancellation);
        }
    }

    /// <summary>The (seat, status) pairs one stream has shown so far, parsed as they are asked for.</summary>
    private sealed class ShownSeats(SeatMapSubscriber stream)
    {
        private readonly HashSet<(string Seat, string Status)> _shown = [];
        private int _parsed;

        public bool Shows(string seat, string status)
        {
            var events = stream.Events;
            for (; _parsed < events.Count; _parsed++)
            {
                foreach (var (number, view) in SeatMapState.Parse(events[_parsed].Data, null).Seats)
                {
                    _shown.Add((number, view.Status));
                }
            }
            return _shown.Contains((seat, status));
        }
    }
}
