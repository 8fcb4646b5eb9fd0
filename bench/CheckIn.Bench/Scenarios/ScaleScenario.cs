using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>scale</c>: F flights x 180 seats; every seat map read once while cold (its first read measured on its own),
/// a share of the seats held, every map read again; the host's RSS and RSS per seat. With <c>--idle</c>, the host is
/// then left alone for that long (<see cref="ScaleIdlePhase"/>): do idle grains go, and do their holds still expire?
/// </summary>
internal static class ScaleScenario
{
    /// <summary>The host RSS the 1.8 M-seat fleet may reach (issue 16), and the 180,000-seat one (issue 4).</summary>
    private const double IdleRssLimitMb = 2048;
    private const double RssLimitMb = 1536;

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
        await ReadEveryMapAsync(ctx, http, fleet, cold, "scale: first read of every (cold) seat map", (_, _, _) => { });
        rss["afterColdReads"] = await RssAsync(ctx);

        var hold = new OperationRecorder("hold");
        var expiries = await HoldAsync(ctx, http, fleet, hold);

        // A hold shows HELD, or (when holds are shorter than the run, as with --idle) it already expired.
        var heldShown = 0;
        var expiredShown = 0;
        var warm = new OperationRecorder("seatmap-warm");
        await ReadEveryMapAsync(ctx, http, fleet, warm, "scale: every seat map again (warm)", (flight, map, readAt) =>
        {
            foreach (var (seat, view) in map.Seats)
            {
                if (expiries.TryGetValue((flight, seat), out var expiresAt))
                {
                    if (view.Status == "HELD")
                    {
                        Interlocked.Increment(ref heldShown);
                    }
                    else if (expiresAt <= readAt)
                    {
                        Interlocked.Increment(ref expiredShown);
                    }
                }
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1), ctx.Cancellation);
        var final = await RssAsync(ctx);
        rss["final"] = final;
        ctx.Report.Add(cold, hold, warm);

        var report = ctx.Report;
        var seats = fleet.Flights.Count * seatsPerFlight;
        var idle = (double)rss["idle"]!;
        var coldSummary = cold.Summarize();
        var errors = cold.ErrorCount + hold.ErrorCount + warm.ErrorCount;
        report.Check("every read and hold without errors", errors == 0, $"{errors} errors");
        report.Check("every held seat shows HELD in the map (or its hold already expired)", heldShown + expiredShown == fleet.Slots.Count,
            $"{heldShown} HELD and {expiredShown} expired of {fleet.Slots.Count} holds");
        report.Figures["flights"] = fleet.Flights.Count;
        report.Figures["seats"] = seats;
        report.Figures["heldSeats"] = fleet.Slots.Count;
        report.Figures["heldShownOnWarmRead"] = heldShown;
        report.Figures["rssMb"] = rss;
        report.Figures["rssPerSeatKb"] = seats == 0 ? 0 : Math.Round(final * 1024 / seats, 2);
        report.Figures["rssAboveIdlePerSeatKb"] = seats == 0 ? 0 : Math.Round((final - idle) * 1024 / seats, 2);

        if (o.Idle > TimeSpan.Zero)
        {
            var idlePhase = await ScaleIdlePhase.RunAsync(ctx, http, fleet, expiries);
            rss["beforeIdle"] = idlePhase.RssBeforeMb;
            rss["endOfIdle"] = idlePhase.RssEndMb;
        }
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        var peak = Math.Round(ctx.Sampler.Between(0, ctx.Sampler.Now).Select(s => s.HostRssMb).DefaultIfEmpty(0).Max(), 1);
        rss["max"] = peak;

        if (ctx.Target.HostPid is null)
        {
            report.Targets.Add(new TargetCheck("host RSS", $"<= {(o.Idle > TimeSpan.Zero ? IdleRssLimitMb : RssLimitMb)} MB", "not measured (give --host-pid)", null));
        }
        else if (o.Idle > TimeSpan.Zero)
        {
            report.Targets.Add(TargetCheck.AtMost($"host RSS at its peak with {seats} seats", peak, IdleRssLimitMb, "MB"));
            report.Targets.Add(TargetCheck.AtMost("host RSS at the end of the idle period", (double)rss["endOfIdle"]!, IdleRssLimitMb, "MB"));
        }
        else
        {
            report.Targets.Add(TargetCheck.AtMost($"host RSS with {seats} seats", final, RssLimitMb, "MB"));
        }
        report.Targets.Add(TargetCheck.AtMost("cold flight's first seat map, p99", coldSummary.LatencyMs.P99, 100, "ms"));
        report.Targets.Add(new TargetCheck("errors", "0", $"{errors}", errors == 0));
    }

    /// <summary>Holds every slot of the fleet (C at a time); returns each hold's <c>holdExpiresAt</c> by (flight, seat).</summary>
    private static async Task<IReadOnlyDictionary<(string Flight, string Seat), DateTimeOffset>> HoldAsync(
        BenchContext ctx, HttpClient http, Fleet fleet, OperationRecorder hold)
    {
        var expiries = new ConcurrentDictionary<(string Flight, string Seat), DateTimeOffset>();
        var queue = new ConcurrentQueue<PassengerSlot>(fleet.Slots);
        hold.OpenWindow(Stopwatch.GetTimestamp());
        ctx.Progress.Phase($"scale: hold {ctx.Options.HeldShare:P0} of the seats", BenchContext.Counters(hold), () => $"{queue.Count} left");
        await Task.WhenAll(Enumerable.Range(0, ctx.Options.Clients).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var slot))
            {
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand("hold", slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), true, ctx.Cancellation);
                hold.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
                if (outcome.IsSuccess && outcome.Body is { } body && HoldExpiresAt(body) is { } expiresAt)
                {
                    expiries[(slot.FlightId, slot.SeatNumber)] = expiresAt;
                }
            }
        })));
        hold.CloseWindow(Stopwatch.GetTimestamp());
        return expiries;
    }

    private static DateTimeOffset? HoldExpiresAt(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("holdExpiresAt", out var e) && e.ValueKind == JsonValueKind.String ? e.GetDateTimeOffset() : null;
    }

    /// <summary>
    /// Reads every flight's map once (C at a time), handing each 200's map and the time it arrived to
    /// <paramref name="seen"/> (called concurrently).
    /// </summary>
    internal static async Task ReadEveryMapAsync(
        BenchContext ctx, HttpClient http, Fleet fleet, OperationRecorder recorder, string phase, Action<string, SeatMapState, DateTimeOffset> seen)
    {
        var done = 0;
        recorder.OpenWindow(Stopwatch.GetTimestamp());
        ctx.Progress.Phase(phase, BenchContext.Counters(recorder), () => $"{done}/{fleet.Flights.Count} flights");
        await Parallel.ForEachAsync(fleet.Flights, new ParallelOptions { MaxDegreeOfParallelism = ctx.Options.Clients, CancellationToken = ctx.Cancellation }, async (flight, ct) =>
        {
            var start = Stopwatch.GetTimestamp();
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(CheckInClient.SeatMapPath(flight), null), true, ct);
            var arrived = DateTimeOffset.UtcNow;
            recorder.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.Status == 200 ? null : outcome.Describe());
            if (outcome.Status == 200 && outcome.Body is { } body)
            {
                seen(flight, SeatMapState.Parse(body, outcome.ETag), arrived);
            }
            Interlocked.Increment(ref done);
        });
        recorder.CloseWindow(Stopwatch.GetTimestamp());
    }

    /// <summary>The host's RSS in MB, from a fresh sample.</summary>
    internal static async Task<double> RssAsync(BenchContext ctx)
    {
        var since = ctx.Sampler.Now;
        for (var i = 0; i < 20 && (ctx.Sampler.Latest is not { } s || s.Seconds <= since); i++)
        {
            await Task.Delay(100, ctx.Cancellation);
        }
        return Math.Round(ctx.Sampler.Latest?.HostRssMb ?? 0, 1);
    }
}
