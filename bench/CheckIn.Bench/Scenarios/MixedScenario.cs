using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>mixed</c>: C clients for minutes; of every (R + 1) requests, R read a random flight's seat map (half of them
/// revalidating) and one is a seat command. Passengers cycle hold -> confirm -> release on their own seat, so the
/// load can go on forever. Per-operation throughput and p99, host CPU and RSS and their trend.
/// </summary>
internal static class MixedScenario
{
    private static readonly string[] Cycle = ["hold", "confirm", "release"];

    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var fleet = await ctx.CreateFleetAsync(o.Flights, o.Rows, 9);
        await ctx.PrimeAsync(fleet);
        var paths = fleet.Flights.Select(CheckInClient.SeatMapPath).ToArray();
        var etags = new string?[paths.Length];
        var passengers = new ConcurrentQueue<(PassengerSlot Slot, int Next)>(fleet.Slots.Select(s => (s, 0)));
        var reads = new OperationRecorder("seatmap");
        var commands = Cycle.ToDictionary(c => c, c => new OperationRecorder(c), StringComparer.Ordinal);
        OperationRecorder[] all = [reads, .. commands.Values];
        long sequence = 0;
        using var http = ctx.LoadClient(o.Clients);
        ctx.Progress.Phase($"mixed: {o.Clients} clients, {o.ReadsPerCommand} reads per seat command", BenchContext.Counters(all),
            () => $"commands {commands.Values.Sum(c => c.Seen)}");
        var from = ctx.Sampler.Now + o.Warmup.TotalSeconds;
        await ClosedLoop.RunAsync(o.Clients, o.Warmup, o.Duration, all, async (client, ct) =>
        {
            var n = Interlocked.Increment(ref sequence);
            if (n % (o.ReadsPerCommand + 1) == 0 && passengers.TryDequeue(out var passenger))
            {
                var command = Cycle[passenger.Next];
                var slot = passenger.Slot;
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand(command, slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), false, ct);
                commands[command].Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
                // After a failure start the cycle again: holding a seat one already holds is harmless.
                passengers.Enqueue((slot, outcome.IsSuccess ? (passenger.Next + 1) % Cycle.Length : 0));
                return;
            }
            var flight = Random.Shared.Next(paths.Length);
            var start2 = Stopwatch.GetTimestamp();
            var conditional = SeatMapReads.IsConditional(client, o.ConditionalShare);
            var read = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(paths[flight], conditional ? etags[flight] : null), false, ct);
            if (read.ETag is not null)
            {
                etags[flight] = read.ETag;
            }
            reads.Record(start2, Stopwatch.GetTimestamp(), read.Status, read.Status is 200 or 304 ? null : read.Describe());
        }, ctx.Cancellation);
        var to = ctx.Sampler.Now;
        ctx.Report.ResourceWindow = (from, to);
        ctx.Report.Add(all);

        var samples = ctx.Sampler.Between(from, to);
        var cpu = SeriesSummary.Of([.. samples.Select(s => s.HostCpu)]);
        var rss = SeriesSummary.Of([.. samples.Select(s => s.HostRssMb)]);
        var summaries = ctx.Report.Operations;
        var errors = summaries.Sum(s => s.Errors);
        var report = ctx.Report;
        report.Check("every request without errors", errors == 0, $"{errors} errors");
        report.Figures["trend"] = new JsonObject
        {
            ["hostCpuPercentFirstThird"] = Math.Round(cpu.FirstThird, 1),
            ["hostCpuPercentLastThird"] = Math.Round(cpu.LastThird, 1),
            ["hostRssMbFirstThird"] = Math.Round(rss.FirstThird, 1),
            ["hostRssMbLastThird"] = Math.Round(rss.LastThird, 1),
            ["rssGrowthPercent"] = rss.FirstThird > 0 ? Math.Round((rss.LastThird - rss.FirstThird) / rss.FirstThird * 100, 1) : 0,
        };
        report.Figures["readsPerCommand"] = o.ReadsPerCommand;
        report.Figures["flights"] = paths.Length;
        foreach (var op in summaries)
        {
            report.Targets.Add(new TargetCheck($"{op.Name}: throughput and p99 reported", "reported",
                FormattableString.Invariant($"{op.ThroughputPerSecond:F0}/s, p99 {op.LatencyMs.P99:F1} ms"), null));
        }
        var growth = rss.FirstThird > 0 ? (rss.LastThird - rss.FirstThird) / rss.FirstThird * 100 : 0;
        report.Targets.Add(TargetCheck.AtMost("RSS growth, last third vs first third", growth, 10, "%"));
        report.Targets.Add(new TargetCheck("errors", "0", $"{errors}", errors == 0));
    }
}
