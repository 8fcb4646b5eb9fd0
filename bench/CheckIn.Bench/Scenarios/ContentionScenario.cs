using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>contention</c>: K passengers race to hold the same seat at the same instant, seat after seat. Exactly one
/// must win (200), every other must get 409 SEAT_UNAVAILABLE, never a 5xx or a timeout. The winner releases the
/// seat afterwards (not timed), so every race starts from passengers who hold nothing.
/// </summary>
internal static class ContentionScenario
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var seatsPerFlight = Fleet.SeatNumbers(o.Rows, o.Columns).Count;
        var flights = (o.Seats + seatsPerFlight - 1) / seatsPerFlight;
        if (flights > 8)
        {
            throw new BenchException($"{o.Seats} seats need {flights} flights of {seatsPerFlight}; at most 8 (one booking's flights). Raise --rows.");
        }
        var fleet = await ctx.CreateFleetAsync(flights, o.Rows, o.Clients);
        // Passenger p of flight 0 is on every flight (same booking), so racer p uses the slot of flight 0.
        var racers = fleet.Slots.Where(s => s.FlightId == fleet.Flights[0]).ToList();
        var races = Enumerable.Range(0, o.Seats).Select(i => (Flight: fleet.Flights[i / seatsPerFlight], Seat: fleet.Seats[i % seatsPerFlight])).ToList();

        var holds = new OperationRecorder("hold-race");
        var raceTimes = new OperationRecorder("race-complete");
        var releases = new OperationRecorder("release-winner");
        using var http = ctx.LoadClient(o.Clients);
        await WarmConnectionsAsync(http, o.Clients, ctx.Cancellation);
        holds.OpenWindow(Stopwatch.GetTimestamp());
        raceTimes.OpenWindow(Stopwatch.GetTimestamp());
        releases.OpenWindow(Stopwatch.GetTimestamp());
        var done = 0;
        ctx.Progress.Phase($"contention: {o.Clients} racers per seat", BenchContext.Counters(holds), () => $"race {done}/{races.Count}");
        int noWinner = 0, severalWinners = 0, wrongLosers = 0, serverErrors = 0, noAnswer = 0;
        var from = ctx.Sampler.Now;
        foreach (var (flight, seat) in races)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = racers.Select(racer => Task.Run(async () =>
            {
                await go.Task;
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand("hold", flight, seat, racer.PassengerId, racer.Token), false, ctx.Cancellation);
                return (Racer: racer, Outcome: outcome, Start: start, End: Stopwatch.GetTimestamp());
            })).ToList();
            var raceStart = Stopwatch.GetTimestamp();
            go.SetResult();
            var results = await Task.WhenAll(attempts);
            raceTimes.Record(raceStart, results.Max(r => r.End), 200, null);
            foreach (var r in results)
            {
                var expected = r.Outcome.Status == 200 || (r.Outcome.Status == 409 && r.Outcome.Code == "SEAT_UNAVAILABLE");
                holds.Record(r.Start, r.End, r.Outcome.Status, expected ? null : r.Outcome.Describe());
            }
            var winners = results.Where(r => r.Outcome.Status == 200).ToList();
            noWinner += winners.Count == 0 ? 1 : 0;
            severalWinners += winners.Count > 1 ? 1 : 0;
            wrongLosers += results.Count(r => r.Outcome.Status != 200 && !(r.Outcome.Status == 409 && r.Outcome.Code == "SEAT_UNAVAILABLE"));
            serverErrors += results.Count(r => r.Outcome.Status >= 500);
            noAnswer += results.Count(r => r.Outcome.Status < 0);
            foreach (var winner in winners)
            {
                var start = Stopwatch.GetTimestamp();
                var release = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand("release", flight, seat, winner.Racer.PassengerId, winner.Racer.Token), false, ctx.Cancellation);
                releases.Record(start, Stopwatch.GetTimestamp(), release.Status, release.IsSuccess ? null : release.Describe());
            }
            done++;
        }
        var end = Stopwatch.GetTimestamp();
        foreach (var recorder in new[] { holds, raceTimes, releases })
        {
            recorder.CloseWindow(end);
        }
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        ctx.Report.Add(holds, raceTimes, releases);

        var report = ctx.Report;
        var hold = holds.Summarize();
        var race = raceTimes.Summarize();
        report.Check("exactly one winner per seat", noWinner == 0 && severalWinners == 0, $"{noWinner} seats without a winner, {severalWinners} with several");
        report.Check("every loser got 409 SEAT_UNAVAILABLE", wrongLosers == 0, $"{wrongLosers} other answers");
        report.Check("no 5xx", serverErrors == 0, $"{serverErrors} 5xx");
        report.Check("no timeout or dropped request", noAnswer == 0, $"{noAnswer} without an answer");
        report.Check("every winner could release", releases.ErrorCount == 0, $"{releases.ErrorCount} failed releases");
        report.Figures["races"] = new JsonObject
        {
            ["seats"] = races.Count,
            ["racersPerSeat"] = racers.Count,
            ["seatsWithoutWinner"] = noWinner,
            ["seatsWithSeveralWinners"] = severalWinners,
            ["unexpectedAnswers"] = wrongLosers,
            ["raceCompleteMs"] = ResultWriter.Latency(race.LatencyMs),
        };
        report.Targets.Add(new TargetCheck("exactly one winner per seat", $"{races.Count} seats", $"{races.Count - noWinner - severalWinners} with one winner", noWinner == 0 && severalWinners == 0));
        report.Targets.Add(new TargetCheck("every loser a 409 SEAT_UNAVAILABLE, no 5xx, no hang", "0 other answers", $"{wrongLosers}", wrongLosers == 0));
        report.Targets.Add(TargetCheck.AtMost("race p99 (each racer's answer)", hold.LatencyMs.P99, 100, "ms"));
        report.Notes.Add($"race-complete is the time until the last of the {racers.Count} racers of a seat had its answer (p99 {race.LatencyMs.P99:F1} ms).");
    }

    /// <summary>Opens every connection of the pool first, so that no race pays for a TCP handshake.</summary>
    internal static async Task WarmConnectionsAsync(HttpClient http, int connections, CancellationToken cancellationToken)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            await HttpExchange.SendAsync(http, new HttpRequestMessage(HttpMethod.Get, "/health/live"), false, cancellationToken);
        })).ToList();
        go.SetResult();
        await Task.WhenAll(probes);
    }
}
