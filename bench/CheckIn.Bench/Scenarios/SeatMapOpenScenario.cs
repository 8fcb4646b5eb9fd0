using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>seatmap-open</c>: an open loop at a fixed rate across many flights' seat maps; latency from each request's
/// intended send time, so a stall of the host shows in every request it held up.
/// </summary>
internal static class SeatMapOpenScenario
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var fleet = await ctx.CreateFleetAsync(o.Flights, o.Rows, 0);
        await ctx.PrimeAsync(fleet);
        var paths = fleet.Flights.Select(CheckInClient.SeatMapPath).ToArray();
        var reads = new OperationRecorder("seatmap");
        using var http = ctx.LoadClient(o.Clients);
        // Per flight, the last ETag seen: a conditional request revalidates the map a client would have.
        var etags = new string?[paths.Length];
        ctx.Progress.Phase($"seatmap-open: {o.Rate:F0}/s over {paths.Length} flights", BenchContext.Counters(reads));
        var from = ctx.Sampler.Now;
        var stats = await OpenLoop.RunAsync(o.Rate, o.Clients, o.Warmup, o.Duration, [reads], async (i, intended) =>
        {
            var flight = (int)(i % paths.Length);
            var conditional = SeatMapReads.IsConditional((int)(i % 1000), o.ConditionalShare);
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(paths[flight], conditional ? etags[flight] : null), false, ctx.Cancellation);
            var end = Stopwatch.GetTimestamp();
            if (outcome.ETag is not null)
            {
                etags[flight] = outcome.ETag;
            }
            reads.Record(intended, end, outcome.Status, outcome.Status is 200 or 304 ? null : outcome.Describe());
        }, ctx.Cancellation);
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);

        var summary = reads.Summarize();
        ctx.Report.Operations.Add(summary);
        ctx.Report.Figures["openLoop"] = new JsonObject
        {
            ["targetRatePerSecond"] = stats.Rate,
            ["achievedRatePerSecond"] = Math.Round(summary.ThroughputPerSecond, 1),
            ["planned"] = stats.Planned,
            ["sent"] = stats.Sent,
            ["unsent"] = stats.Unsent,
            ["sentLateOver10Ms"] = stats.Late,
            ["waitedForInFlightSlot"] = stats.WaitedForSlot,
            ["maxInFlight"] = stats.MaxInFlight,
            ["sendDelayMs"] = ResultWriter.Latency(stats.SendDelayMs),
        };
        ctx.Report.Figures["flights"] = paths.Length;
        ctx.Report.Check("seat map reads without errors", summary.Errors == 0, $"{summary.Errors} errors");
        ctx.Report.Targets.Add(TargetCheck.AtMost($"p99 at {o.Rate:F0} requests/s (from intended send time)", summary.LatencyMs.P99, 50, "ms"));
        var lateShare = stats.Sent == 0 ? 0 : (double)stats.Late / stats.Sent;
        ctx.Report.Targets.Add(new TargetCheck("rate held by the load generator", "0 unsent, <= 1 % sent > 10 ms late",
            FormattableString.Invariant($"{stats.Unsent} unsent, {lateShare:P1} late"), stats.Unsent == 0 && lateShare <= 0.01));
        ctx.Report.Targets.Add(new TargetCheck("errors", "0", $"{summary.Errors}", summary.Errors == 0));
    }
}
