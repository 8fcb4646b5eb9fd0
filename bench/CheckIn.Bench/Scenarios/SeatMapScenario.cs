using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>seatmap</c>: C clients read one flight's seat map (a share of them revalidating with If-None-Match) while a
/// background writer holds and releases seats; a poller measures how soon each hold shows in the map. Then nginx
/// serves the same response bytes as a static file and the same load (clients, duration, request mix) runs
/// against it: the ratios are the figures that carry from one machine to another.
/// </summary>
internal static class SeatMapScenario
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        // Each writer passenger alternates hold and release of its own seat; enough of them that a hold stays
        // about 2 s before its release, so a slow map still gets a chance to show it.
        var writers = Math.Max(9, (int)Math.Ceiling(o.WriteRate * 2 / 9.0) * 9);
        var fleet = await ctx.CreateFleetAsync(1, o.Rows, writers);
        var path = CheckInClient.SeatMapPath(fleet.Flights[0]);

        var host = new OperationRecorder("seatmap");
        var writes = new OperationRecorder("seat-write");
        var lag = new OperationRecorder("visibility-lag");
        var tracker = new VisibilityTracker(lag);
        var from = ctx.Sampler.Now;
        using (var side = ctx.LoadClient(4))
        using (var stopSide = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation))
        {
            var writer = o.WriteRate > 0 ? WriteAsync(side, fleet.Slots, o.WriteRate, writes, tracker, stopSide.Token) : Task.CompletedTask;
            var pollers = Enumerable.Range(0, 2).Select(_ => PollAsync(side, path, tracker, stopSide.Token)).ToList();
            ctx.Progress.Phase($"seatmap: host, {o.Clients} clients", BenchContext.Counters(host), () => $"writes {writes.Seen}, lag samples {lag.Seen}");
            await ReadLoadAsync(ctx, ctx.Target.BaseAddress, path, host, writes);
            await stopSide.CancelAsync();
            await Task.WhenAll([writer, .. pollers]);
        }
        var to = ctx.Sampler.Now;
        tracker.Finish();
        ctx.Report.ResourceWindow = (from, to);
        ctx.Report.Add(host, writes, lag);

        var bytes = (await HttpExchange.SendAsync(ctx.Admin.Http, CheckInClient.SeatMap(path, null), keepBody: true, ctx.Cancellation)).Body!;
        OperationSummary? nginx = null;
        if (!o.NoNginx)
        {
            await using var server = await Nginx.StartAsync(bytes, path, ctx.Progress.Log, ctx.Cancellation);
            var nginxRecorder = new OperationRecorder("seatmap-nginx");
            ctx.Progress.Phase($"seatmap: nginx, {o.Clients} clients", BenchContext.Counters(nginxRecorder));
            await ReadLoadAsync(ctx, server.BaseAddress, path, nginxRecorder);
            nginx = nginxRecorder.Summarize();
            ctx.Report.Operations.Add(nginx);
        }
        Report(ctx, host.Summarize(), writes.Summarize(), lag.Summarize(), nginx, tracker.NeverSeen, bytes.Length);
    }

    /// <summary>The closed-loop read load, identical for the host and nginx.</summary>
    private static async Task ReadLoadAsync(BenchContext ctx, Uri baseAddress, string path, OperationRecorder recorder, params OperationRecorder[] alongside)
    {
        var o = ctx.Options;
        using var http = HttpExchange.CreateClient(baseAddress, o.Clients, o.Timeout);
        var etags = new string?[o.Clients];
        await ClosedLoop.RunAsync(o.Clients, o.Warmup, o.Duration, [recorder, .. alongside], (client, ct) =>
            SeatMapReads.ReadAsync(http, path, SeatMapReads.IsConditional(client, o.ConditionalShare) ? etags : null, client, recorder, ct),
            ctx.Cancellation);
    }

    private static async Task WriteAsync(
        HttpClient http, IReadOnlyList<PassengerSlot> slots, double rate, OperationRecorder writes, VisibilityTracker tracker, CancellationToken cancellationToken)
    {
        var held = new bool[slots.Count];
        var interval = Stopwatch.Frequency / rate;
        var next = (double)Stopwatch.GetTimestamp();
        for (var k = 0; !cancellationToken.IsCancellationRequested; k++)
        {
            var i = k % slots.Count;
            var slot = slots[i];
            var command = held[i] ? "release" : "hold";
            var start = Stopwatch.GetTimestamp();
            var outcome = await HttpExchange.SendAsync(
                http, CheckInClient.SeatCommand(command, slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), keepBody: !held[i], CancellationToken.None);
            var end = Stopwatch.GetTimestamp();
            writes.Record(start, end, outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
            if (outcome.IsSuccess)
            {
                if (!held[i] && SeatMapReads.HoldExpiresAt(outcome.Body) is { } expires)
                {
                    tracker.Acknowledged(slot.SeatNumber, expires, end);
                }
                held[i] = !held[i];
            }
            next += interval;
            var wait = (next - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task PollAsync(HttpClient http, string path, VisibilityTracker tracker, CancellationToken cancellationToken)
    {
        string? etag = null;
        // Keeps polling a little after the writer stopped, so the last holds can still be seen.
        while (!cancellationToken.IsCancellationRequested)
        {
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(path, etag), keepBody: true, CancellationToken.None);
            var received = Stopwatch.GetTimestamp();
            if (outcome.Status == 200 && outcome.Body is { } body)
            {
                var map = SeatMapState.Parse(body, outcome.ETag);
                etag = map.ETag;
                tracker.Observed(map, received);
            }
            else if (outcome.Status != 304)
            {
                await Task.Delay(10, CancellationToken.None);
            }
        }
        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < drainUntil)
        {
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(path, null), keepBody: true, CancellationToken.None);
            if (outcome.Status == 200 && outcome.Body is { } body)
            {
                tracker.Observed(SeatMapState.Parse(body, outcome.ETag), Stopwatch.GetTimestamp());
            }
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static void Report(
        BenchContext ctx, OperationSummary host, OperationSummary writes, OperationSummary lag, OperationSummary? nginx, int neverSeen, int bytes)
    {
        var report = ctx.Report;
        var o = ctx.Options;
        report.Check("seat map reads without errors", host.Errors == 0, $"{host.Errors} errors");
        report.Check("background writes without errors", writes.Errors == 0, $"{writes.Errors} errors");
        report.Check("every hold became visible in the map", neverSeen == 0, $"{neverSeen} holds never seen");
        report.Figures["responseBytes"] = bytes;
        report.Figures["clients"] = o.Clients;
        report.Figures["conditionalShare"] = o.ConditionalShare;
        report.Figures["visibilityLagMs"] = new JsonObject
        {
            ["count"] = lag.Count,
            ["neverSeen"] = neverSeen,
            ["p50"] = Math.Round(lag.LatencyMs.P50, 2),
            ["p99"] = Math.Round(lag.LatencyMs.P99, 2),
            ["max"] = Math.Round(lag.LatencyMs.Max, 2),
        };
        if (nginx is not null)
        {
            var throughputRatio = nginx.ThroughputPerSecond > 0 ? host.ThroughputPerSecond / nginx.ThroughputPerSecond : 0;
            var p99Ratio = nginx.LatencyMs.P99 > 0 ? host.LatencyMs.P99 / nginx.LatencyMs.P99 : double.PositiveInfinity;
            report.Figures["nginx"] = ResultWriter.Operation(nginx);
            report.Figures["ratios"] = new JsonObject
            {
                ["throughputHostToNginx"] = Math.Round(throughputRatio, 3),
                ["p99HostToNginx"] = Math.Round(p99Ratio, 2),
            };
            report.Targets.Add(TargetCheck.AtLeast($"throughput vs nginx at {o.Clients} connections", throughputRatio, 0.5, "x"));
            report.Targets.Add(TargetCheck.AtMost($"p99 vs nginx at {o.Clients} connections", p99Ratio, 3, "x"));
        }
        else
        {
            report.Targets.Add(new TargetCheck("throughput vs nginx", ">= 0.5 x", "not measured (--no-nginx)", null));
            report.Targets.Add(new TargetCheck("p99 vs nginx", "<= 3 x", "not measured (--no-nginx)", null));
        }
        report.Targets.Add(new TargetCheck("errors", "0", $"{host.Errors + writes.Errors}", host.Errors + writes.Errors == 0));
        report.Targets.Add(TargetCheck.AtMost("change visible in the map, p99", neverSeen > 0 ? double.PositiveInfinity : lag.LatencyMs.P99, 1000, "ms"));
    }
}
