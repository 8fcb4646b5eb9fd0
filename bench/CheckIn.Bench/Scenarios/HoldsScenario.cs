using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>holds</c>: C clients, each taking the next passenger and seat (all distinct, across big flights), hold it and
/// confirm it. Seat commands/s (a hold and a confirm count as two) against pgbench's one-row-UPDATE tps on the same
/// PostgreSQL. Then proves every 2xx durable: the map and the audit trail show every confirmed seat and, for a
/// durable host the bench started, a host killed with SIGKILL and started again still shows them.
/// </summary>
internal static class HoldsScenario
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var seatsPerFlight = Fleet.SeatNumbers(o.Rows, o.Columns).Count;
        var flights = Math.Max(1, (o.Holds + seatsPerFlight - 1) / seatsPerFlight);
        var fleet = await ctx.CreateFleetAsync(flights, o.Rows, Math.Min(seatsPerFlight, (o.Holds + flights - 1) / flights));
        await ctx.PrimeAsync(fleet);
        var queue = new ConcurrentQueue<PassengerSlot>(fleet.Slots);
        var confirmed = new ConcurrentBag<PassengerSlot>();
        var hold = new OperationRecorder("hold");
        var confirm = new OperationRecorder("confirm");
        long exhaustedAt = long.MaxValue;
        using var http = ctx.LoadClient(o.Clients);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
        ctx.Progress.Phase($"holds: {o.Clients} clients hold + confirm", BenchContext.Counters(hold, confirm), () => $"{queue.Count} seats left");
        var postgres = ctx.Target.PostgresConnectionString;
        var statsBefore = postgres is null ? null : await PostgresWrites.TakeAsync(postgres, ctx.Cancellation);
        long commandsSent = 0;
        var from = ctx.Sampler.Now;
        var started = Stopwatch.GetTimestamp();
        await ClosedLoop.RunAsync(o.Clients, o.Warmup, o.Duration, [hold, confirm], async (_, _) =>
        {
            if (!queue.TryDequeue(out var slot))
            {
                Interlocked.CompareExchange(ref exhaustedAt, Stopwatch.GetTimestamp(), long.MaxValue);
                await stop.CancelAsync();
                return;
            }
            Interlocked.Increment(ref commandsSent);
            if (await CommandAsync(http, "hold", slot, hold, ctx.Cancellation))
            {
                Interlocked.Increment(ref commandsSent);
                if (await CommandAsync(http, "confirm", slot, confirm, ctx.Cancellation))
                {
                    confirmed.Add(slot);
                }
            }
        }, stop.Token);
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        var loadEnded = Stopwatch.GetTimestamp();

        // A run that used up its seats early is measured over the time it really ran.
        var windowStart = started + ClosedLoop.Ticks(o.Warmup);
        var windowEnd = Math.Min(windowStart + ClosedLoop.Ticks(o.Duration), exhaustedAt);
        var window = TimeSpan.FromSeconds(Math.Max(0, windowEnd - windowStart) / (double)Stopwatch.Frequency);
        var holds = hold.Summarize(window);
        var confirms = confirm.Summarize(window);
        ctx.Report.Operations.Add(holds);
        ctx.Report.Operations.Add(confirms);
        if (exhaustedAt != long.MaxValue)
        {
            ctx.Report.Notes.Add($"all {fleet.Slots.Count} prepared seats were used before the duration ended; measured over {window.TotalSeconds:F1} s (raise --holds).");
        }
        var commandsPerSecond = window.TotalSeconds > 0 ? (holds.Count + confirms.Count) / window.TotalSeconds : 0;
        var errors = holds.Errors + confirms.Errors;

        PgBench.Result? pgbench = null;
        if (postgres is not null)
        {
            ctx.Progress.Phase("holds: pgbench");
            pgbench = await PgBench.RunAsync(postgres, o.PgbenchClients, o.PgbenchScale, o.Duration, ctx.Progress.Log, ctx.Cancellation);
            // pgbench ran in its own database; the host's statistics are read once its connections have reported.
            var reported = loadEnded + ClosedLoop.Ticks(PostgresWrites.ReportDelay) - Stopwatch.GetTimestamp();
            if (reported > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(reported / (double)Stopwatch.Frequency), ctx.Cancellation);
            }
            var perCommand = PostgresWrites.PerCommand(statsBefore!, await PostgresWrites.TakeAsync(postgres, ctx.Cancellation), Interlocked.Read(ref commandsSent));
            ctx.Report.Figures["postgresPerCommand"] = perCommand;
            ctx.Report.Notes.Add(PostgresWrites.Describe(perCommand) + " (warm-up included; a hold and a confirm are one command each).");
        }

        await DurabilityChecks.VerifyAsync(ctx, [.. confirmed]);

        var report = ctx.Report;
        report.Check("hold and confirm without errors", errors == 0, $"{errors} errors");
        report.Figures["commandsPerSecond"] = Math.Round(commandsPerSecond, 1);
        report.Figures["confirmedSeats"] = confirmed.Count;
        report.Figures["flights"] = fleet.Flights.Count;
        report.Figures["seatsPerFlight"] = seatsPerFlight;
        report.Targets.Add(new TargetCheck("errors", "0", $"{errors}", errors == 0));
        if (pgbench is not null)
        {
            var ratio = commandsPerSecond / pgbench.Tps;
            report.Figures["pgbench"] = new JsonObject
            {
                ["tps"] = Math.Round(pgbench.Tps, 1),
                ["transactions"] = pgbench.Transactions,
                ["latencyAverageMs"] = pgbench.LatencyAverageMs,
                ["clients"] = pgbench.Clients,
                ["scale"] = pgbench.Scale,
                ["durationSeconds"] = pgbench.Duration.TotalSeconds,
                ["script"] = "UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid",
            };
            report.Figures["ratios"] = new JsonObject { ["commandsPerSecondToPgbenchTps"] = Math.Round(ratio, 3) };
            report.Targets.Add(TargetCheck.AtLeast("seat commands/s vs pgbench one-row UPDATE tps", ratio, 0.25, "x"));
        }
        else
        {
            report.Targets.Add(new TargetCheck("seat commands/s vs pgbench tps", ">= 0.25 x", $"{commandsPerSecond:F0} commands/s; no PostgreSQL ({ctx.Target.Mode} host)", null));
        }
    }

    private static async Task<bool> CommandAsync(HttpClient http, string command, PassengerSlot slot, OperationRecorder recorder, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand(command, slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), false, cancellationToken);
        recorder.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
        return outcome.IsSuccess;
    }
}
