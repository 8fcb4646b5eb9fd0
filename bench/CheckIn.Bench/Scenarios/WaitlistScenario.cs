using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>waitlist</c>: a full economy cabin (every seat CONFIRMED by a holder) with M passengers waiting (position ANY,
/// joined one after the other); the holders of N seats release them, once all at the same instant (<c>burst</c>, on
/// one flight) and once spread at --write-rate per second (<c>spread</c>, on a second flight set up the same way).
/// Per released seat: the time from sending the release until the SEAT_ASSIGNED event for that seat reaches the
/// assigned passenger's session on <c>GET /api/notifications/stream</c>. Checks afterwards: every released seat went
/// to exactly one entry (entries, audit trail and events agree), the first N entries got them (FIFO), and no seat
/// was left AVAILABLE, OFFERED or HELD.
/// </summary>
internal static class WaitlistScenario
{
    private const int PassengersPerBooking = 9;
    private const double P95TargetMs = 1000;
    private const double P99TargetMs = 250;
    private const string PnrAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static readonly TimeSpan AssignDeadline = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var perRow = o.Columns.Count(char.IsLetter);
        var rows = Math.Max(1, (o.Seats + perRow - 1) / perRow);
        if (rows > 120 || o.Waiters < 1 || o.Seats < 1)
        {
            throw new BenchException($"--seats {o.Seats} and --waiters {o.Waiters}: need 1-{120 * perRow} seats and at least one waiter.");
        }
        var prefix = Fleet.RunPrefix();
        var joins = new OperationRecorder("join");
        var flights = new List<WaitlistFlight>();
        foreach (var phase in new[] { "burst", "spread" })
        {
            flights.Add(await WaitlistSetup.PrepareAsync(ctx, $"{prefix}W{phase[0]}".ToUpperInvariant(), rows, o.Waiters, joins));
        }

        var from = ctx.Sampler.Now;
        var burst = await RunPhaseAsync(ctx, flights[0], "burst", rate: null);
        var spread = await RunPhaseAsync(ctx, flights[1], "spread", o.WriteRate);
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        ctx.Report.Add(joins);
        ctx.Report.Check("every waiter joined (201 WAITING)", joins.ErrorCount == 0, $"{joins.ErrorCount} failed joins");
        ctx.Report.Figures["waitlist"] = new JsonObject
        {
            ["seatsPerFlight"] = flights[0].Seats.Count,
            ["freedSeats"] = o.Seats,
            ["waiters"] = o.Waiters,
            ["spreadReleasesPerSecond"] = o.WriteRate,
            ["burst"] = burst,
            ["spread"] = spread,
        };
        ctx.Report.Notes.Add("release-to-assigned: from just before a holder's release request is sent until the SEAT_ASSIGNED event naming that seat "
            + "arrives on the assigned passenger's session event stream (GET /api/notifications/stream), read by the bench on the same machine. "
            + "It includes the seat's offer to the waitlist, the claim, the passenger-seat assignment, the state writes and the notification delivery.");
    }

    private static async Task<JsonObject> RunPhaseAsync(BenchContext ctx, WaitlistFlight flight, string phase, double? rate)
    {
        var o = ctx.Options;
        var freed = flight.Holders.Take(o.Seats).ToList();
        var expected = Math.Min(freed.Count, flight.Waiters.Count);
        var releases = new OperationRecorder($"release-{phase}");
        var lag = new OperationRecorder($"release-to-assigned-{phase}");
        var assignments = new ConcurrentQueue<ArrivedNotification>();
        var seen = 0;
        void OnEvent(ArrivedNotification n)
        {
            if (n.Type == "SEAT_ASSIGNED")
            {
                assignments.Enqueue(n);
                Interlocked.Add(ref seen, n.Seats.Count);
            }
        }

        var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var tokens = flight.Waiters.Select(w => w.Token).Distinct(StringComparer.Ordinal).ToList();
        using var streamHttp = HttpExchange.CreateClient(ctx.Target.BaseAddress, tokens.Count + 1, Timeout.InfiniteTimeSpan);
        var streams = new List<NotificationStream>();
        try
        {
            ctx.Progress.Phase($"{phase}: opening {tokens.Count} notification streams");
            foreach (var token in tokens)
            {
                streams.Add(await NotificationStream.OpenAsync(streamHttp, token, OnEvent, ctx.Cancellation));
            }
            var connections = Math.Max(1, Math.Min(o.Clients, freed.Count));
            using var http = ctx.LoadClient(connections);
            await ContentionScenario.WarmConnectionsAsync(http, connections, ctx.Cancellation);
            ctx.Progress.Phase(rate is { } r ? $"{phase}: {freed.Count} releases at {r:0.#}/s" : $"{phase}: {freed.Count} releases at once",
                BenchContext.Counters(releases), () => $"{Volatile.Read(ref seen)}/{expected} assignments seen");

            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var begin = Stopwatch.GetTimestamp();
            var sending = new List<Task>();
            for (var i = 0; i < freed.Count; i++)
            {
                var holder = freed[i];
                if (rate is > 0)
                {
                    var due = TimeSpan.FromSeconds(i / rate.Value) - Stopwatch.GetElapsedTime(begin);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, ctx.Cancellation);
                    }
                }
                sending.Add(Task.Run(async () =>
                {
                    await go.Task;
                    var start = Stopwatch.GetTimestamp();
                    sentAt[holder.Seat] = start;
                    var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand("release", flight.FlightId, holder.Seat, holder.PassengerId, holder.Token), false, ctx.Cancellation);
                    releases.Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
                    if (!outcome.IsSuccess)
                    {
                        sentAt.TryRemove(holder.Seat, out _);
                    }
                }));
                if (rate is > 0 || i == freed.Count - 1)
                {
                    go.TrySetResult();
                }
            }
            await Task.WhenAll(sending);
            var lastSent = Stopwatch.GetTimestamp();
            releases.OpenWindow(begin);
            releases.CloseWindow(lastSent);
            var wanted = Math.Min(expected, sentAt.Count);
            while (Volatile.Read(ref seen) < wanted && Stopwatch.GetElapsedTime(lastSent) < AssignDeadline && streams.All(s => s.Failure is null))
            {
                await Task.Delay(10, ctx.Cancellation);
            }
            // A little longer, so that a second SEAT_ASSIGNED for a seat (a double assignment) would show.
            await Task.Delay(TimeSpan.FromMilliseconds(500), ctx.Cancellation);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        var observed = assignments.ToList();
        var firstBySeat = observed.SelectMany(n => n.Seats.Select(seat => (Seat: seat, n.ArrivedAt)))
            .GroupBy(a => a.Seat, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (First: g.Min(a => a.ArrivedAt), Count: g.Count()), StringComparer.Ordinal);
        foreach (var (seat, sent) in sentAt)
        {
            if (firstBySeat.TryGetValue(seat, out var arrival))
            {
                lag.RecordValue(Stopwatch.GetElapsedTime(sent, arrival.First));
            }
        }
        var unseen = Math.Max(0, Math.Min(expected, sentAt.Count) - sentAt.Keys.Count(firstBySeat.ContainsKey));
        for (var i = 0; i < unseen; i++)
        {
            lag.RecordValue(AssignDeadline, "not seen within 30 s");
        }
        ctx.Report.Add(releases, lag);

        var verdict = await WaitlistSetup.VerifyAsync(ctx, flight, [.. sentAt.Keys], expected);
        var seenTwice = firstBySeat.Count(s => s.Value.Count > 1);
        var entriesSeenTwice = observed.GroupBy(n => n.EntryId).Count(g => g.Count() > 1);
        var strangers = firstBySeat.Keys.Count(seat => !sentAt.ContainsKey(seat));
        // Spread: each seat should go to the next entry in line, so event arrival order follows the entry order.
        var byArrival = observed.OrderBy(n => n.ArrivedAt).Select(n => n.EntryId).ToList();
        var inversions = byArrival.Zip(byArrival.Skip(1)).Count(p => p.Second < p.First);

        var report = ctx.Report;
        report.Check($"{phase}: every release answered 200", releases.ErrorCount == 0 && sentAt.Count == freed.Count, $"{releases.ErrorCount} failed releases");
        report.Check($"{phase}: every released seat assigned to exactly one entry (entries, audit trail, events)",
            verdict.AssignedOnce && seenTwice == 0 && entriesSeenTwice == 0 && strangers == 0,
            $"{verdict.Problem}; {seenTwice} seats and {entriesSeenTwice} entries with two SEAT_ASSIGNED events, {strangers} assigned seats nobody released");
        report.Check($"{phase}: every assignment seen on the passenger's event stream", unseen == 0 && streams.All(s => s.Failure is null),
            $"{unseen} never seen; {string.Join("; ", streams.Where(s => s.Failure is not null).Select(s => s.Failure!.Message).Distinct())}");
        report.Check($"{phase}: FIFO (the first {expected} entries got the seats)", verdict.Fifo, verdict.FifoProblem);
        report.Check($"{phase}: no seat left AVAILABLE, OFFERED or HELD while someone waited", verdict.SeatsSettled, verdict.SeatsProblem);

        var p95 = lag.PercentileMs(95);
        var summary = lag.Summarize().LatencyMs;
        report.Targets.Add(TargetCheck.AtMost($"{phase}: release to assignment seen, p95", p95, P95TargetMs, "ms"));
        report.Targets.Add(TargetCheck.AtMost($"{phase}: release to assignment seen, p99", summary.P99, P99TargetMs, "ms"));
        return new JsonObject
        {
            ["flightId"] = flight.FlightId,
            ["released"] = sentAt.Count,
            ["assignmentsExpected"] = expected,
            ["assignmentsSeen"] = firstBySeat.Count,
            ["releaseToAssignedMs"] = new JsonObject
            {
                ["count"] = lag.Count,
                ["p50"] = Math.Round(summary.P50, 1),
                ["p90"] = Math.Round(summary.P90, 1),
                ["p95"] = Math.Round(p95, 1),
                ["p99"] = Math.Round(summary.P99, 1),
                ["max"] = Math.Round(summary.Max, 1),
            },
            ["seatsAssignedTwice"] = seenTwice,
            ["entriesServedTwice"] = entriesSeenTwice,
            ["arrivalOrderInversions"] = inversions,
            ["finalSeatStatuses"] = new JsonObject(verdict.SeatStatuses.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
        };
    }

    internal static string NewPnr() => System.Security.Cryptography.RandomNumberGenerator.GetString(PnrAlphabet, 6);

    internal static int Bookings(int passengers) => (passengers + PassengersPerBooking - 1) / PassengersPerBooking;

    internal static int PassengersOfBooking(int passengers, int booking) => Math.Min(PassengersPerBooking, passengers - (booking * PassengersPerBooking));
}
