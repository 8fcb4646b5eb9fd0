using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>scale</c>: F flights x 180 seats; every seat map read once while cold (its first read measured on its own),
/// a share of the seats held, every map read again; the host's RSS and RSS per seat.
/// </summary>
internal static class ScaleScenario
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var rss = new JsonObject { ["idle"] = await RssAsync(ctx) };
        var seatsPerFlight = Fleet.SeatNumbers(o.Rows, o.Columns).Count;
        var heldPerFlight = (int)Math.Round(seatsPerFlight * o.HeldShare);
        var fleet = await ctx.CreateFleetAsync(o.Flights, o.Rows, heldPerFlight);
        rss["afterSetup"] = await RssAsync(ctx);
        var from = ctx.Sampler.Now;
        using var http = ctx.LoadClient(o.Clients);

        var cold = new OperationRecorder("seatmap-cold");
        await ReadEveryMapAsync(ctx, http, fleet, cold, "scale: first read of every (cold) seat map");
        rss["afterColdReads"] = await RssAsync(ctx);

        var hold = new OperationRecorder("hold");
        var queue = new ConcurrentQueue<PassengerSlot>(fleet.Slots);
        hold.OpenWindow(Stopwatch.GetTimestamp());
        ctx.Progress.Phase($"scale: hold {o.HeldShare:P0} of the seats", BenchContext.Counters(hold), () => $"{queue.Count} left");
        await Task.WhenAll(Enumerable.Range(0, o.Clients).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var slot))
            {
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand("hold", slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), false, ctx.Cancellation);
                hold.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
            }
        })));
        hold.CloseWindow(Stopwatch.GetTimestamp());

        var warm = new OperationRecorder("seatmap-warm");
        var heldShown = await ReadEveryMapAsync(ctx, http, fleet, warm, "scale: every seat map again (warm)");
        await Task.Delay(TimeSpan.FromSeconds(1), ctx.Cancellation);
        var final = await RssAsync(ctx);
        rss["final"] = final;
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        rss["max"] = Math.Round(ctx.Sampler.Between(0, ctx.Sampler.Now).Select(s => s.HostRssMb).DefaultIfEmpty(0).Max(), 1);
        ctx.Report.Add(cold, hold, warm);

        var seats = fleet.Flights.Count * seatsPerFlight;
        var idle = (double)rss["idle"]!;
        var report = ctx.Report;
        var coldSummary = cold.Summarize();
        var errors = cold.ErrorCount + hold.ErrorCount + warm.ErrorCount;
        report.Check("every read and hold without errors", errors == 0, $"{errors} errors");
        report.Check("every held seat shows HELD in the map", heldShown == fleet.Slots.Count, $"{heldShown} of {fleet.Slots.Count} shown");
        report.Figures["flights"] = fleet.Flights.Count;
        report.Figures["seats"] = seats;
        report.Figures["heldSeats"] = fleet.Slots.Count;
        report.Figures["rssMb"] = rss;
        report.Figures["rssPerSeatKb"] = seats == 0 ? 0 : Math.Round(final * 1024 / seats, 2);
        report.Figures["rssAboveIdlePerSeatKb"] = seats == 0 ? 0 : Math.Round((final - idle) * 1024 / seats, 2);
        if (ctx.Target.HostPid is null)
        {
            report.Targets.Add(new TargetCheck("host RSS", "<= 1536 MB", "not measured (give --host-pid)", null));
        }
        else
        {
            report.Targets.Add(TargetCheck.AtMost($"host RSS with {seats} seats", final, 1536, "MB"));
        }
        report.Targets.Add(TargetCheck.AtMost("cold flight's first seat map, p99", coldSummary.LatencyMs.P99, 100, "ms"));
        report.Targets.Add(new TargetCheck("errors", "0", $"{errors}", errors == 0));
    }

    /// <summary>Reads every flight's map once (C at a time); returns how many of the fleet's seats it shows HELD.</summary>
    private static async Task<int> ReadEveryMapAsync(BenchContext ctx, HttpClient http, Fleet fleet, OperationRecorder recorder, string phase)
    {
        var held = fleet.Slots.GroupBy(s => s.FlightId).ToDictionary(g => g.Key, g => g.Select(s => s.SeatNumber).ToList(), StringComparer.Ordinal);
        var shown = 0;
        var done = 0;
        recorder.OpenWindow(Stopwatch.GetTimestamp());
        ctx.Progress.Phase(phase, BenchContext.Counters(recorder), () => $"{done}/{fleet.Flights.Count} flights");
        await Parallel.ForEachAsync(fleet.Flights, new ParallelOptions { MaxDegreeOfParallelism = ctx.Options.Clients, CancellationToken = ctx.Cancellation }, async (flight, ct) =>
        {
            var start = Stopwatch.GetTimestamp();
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(CheckInClient.SeatMapPath(flight), null), true, ct);
            recorder.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.Status == 200 ? null : outcome.Describe());
            if (outcome.Status == 200 && outcome.Body is { } body && held.TryGetValue(flight, out var seats))
            {
                var map = SeatMapState.Parse(body, outcome.ETag);
                Interlocked.Add(ref shown, seats.Count(s => map.Seats.TryGetValue(s, out var v) && v.Status == "HELD"));
            }
            Interlocked.Increment(ref done);
        });
        recorder.CloseWindow(Stopwatch.GetTimestamp());
        return shown;
    }

    /// <summary>The host's RSS in MB, from a fresh sample.</summary>
    private static async Task<double> RssAsync(BenchContext ctx)
    {
        var since = ctx.Sampler.Now;
        for (var i = 0; i < 20 && (ctx.Sampler.Latest is not { } s || s.Seconds <= since); i++)
        {
            await Task.Delay(100, ctx.Cancellation);
        }
        return Math.Round(ctx.Sampler.Latest?.HostRssMb ?? 0, 1);
    }
}
