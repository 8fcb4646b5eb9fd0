using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;

namespace CheckIn.Bench.Scenarios;

/// <summary>A holder's CONFIRMED seat, released during the measurement.</summary>
internal sealed record WaitlistHolder(string Seat, string PassengerId, string Token);

/// <summary>A passenger in line, with the entry id (join order) the host gave it.</summary>
internal sealed record WaitlistWaiter(string PassengerId, string Token, long EntryId);

/// <summary>A flight of the waitlist scenario: every seat CONFIRMED by a holder, and the line, in joining order.</summary>
internal sealed record WaitlistFlight(string FlightId, IReadOnlyList<string> Seats, IReadOnlyList<WaitlistHolder> Holders, IReadOnlyList<WaitlistWaiter> Waiters);

/// <summary>What the host says after a phase: entries, audit trail and seat map, and what was wrong with them.</summary>
internal sealed record WaitlistVerdict(
    bool AssignedOnce, string Problem, bool Fifo, string FifoProblem, bool SeatsSettled, string SeatsProblem, IReadOnlyDictionary<string, int> SeatStatuses);

/// <summary>Setup (unmeasured) and the checks after a phase of <see cref="WaitlistScenario"/>, through the public API only.</summary>
internal static class WaitlistSetup
{
    public static async Task<WaitlistFlight> PrepareAsync(BenchContext ctx, string flightId, int rows, int waiters, OperationRecorder joins)
    {
        var status = "";
        ctx.Progress.Phase($"setup {flightId} (not measured)", detail: () => status);
        var admin = ctx.Admin;
        await admin.CreateFlightAsync(flightId, rows, ctx.Options.Columns, ctx.Cancellation, departure: DateTimeOffset.UtcNow.AddHours(6));
        var seats = Fleet.SeatNumbers(rows, ctx.Options.Columns);

        var holderPassengers = await CreatePassengersAsync(ctx, flightId, seats.Count);
        var holders = seats.Select((seat, i) => new WaitlistHolder(seat, holderPassengers[i].PassengerId, holderPassengers[i].Token)).ToList();
        var confirmed = 0;
        await Parallel.ForEachAsync(holders, Concurrently(ctx), async (h, ct) =>
        {
            foreach (var command in new[] { "hold", "confirm" })
            {
                var outcome = await HttpExchange.SendAsync(admin.Http, CheckInClient.SeatCommand(command, flightId, h.Seat, h.PassengerId, h.Token), false, ct);
                if (!outcome.IsSuccess)
                {
                    throw new BenchException($"Setup failed: {command} {flightId}/{h.Seat} for {h.PassengerId} answered {outcome.Describe()}");
                }
            }
            status = $"seats confirmed {Interlocked.Increment(ref confirmed)}/{holders.Count}";
        });

        // One after the other, so that the line's order is the order of this list.
        var line = new List<WaitlistWaiter>();
        foreach (var (passengerId, token) in await CreatePassengersAsync(ctx, flightId, waiters))
        {
            var body = $"{{\"passengerId\":\"{passengerId}\",\"position\":\"ANY\"}}";
            var begin = Stopwatch.GetTimestamp();
            var outcome = await HttpExchange.SendAsync(admin.Http, CheckInClient.Passenger(HttpMethod.Post, $"/api/flights/{flightId}/waitlist", token, body), true, ctx.Cancellation);
            var entry = outcome.IsSuccess ? ReadEntry(outcome.Body!) : default;
            var error = !outcome.IsSuccess ? outcome.Describe() : outcome.Status != 201 || entry.Status != "WAITING" ? $"{outcome.Status} {entry.Status}" : null;
            joins.Record(begin, Stopwatch.GetTimestamp(), outcome.Status, error);
            if (error is not null)
            {
                var detail = outcome.Body is null ? "" : Encoding.UTF8.GetString(outcome.Body);
                throw new BenchException($"Setup failed: {passengerId} joining the waitlist of {flightId} answered {error} {detail}");
            }
            line.Add(new WaitlistWaiter(passengerId, token, entry.EntryId));
            status = $"waiters joined {line.Count}/{waiters}";
        }
        return new WaitlistFlight(flightId, seats, holders, line);
    }

    public static async Task<WaitlistVerdict> VerifyAsync(BenchContext ctx, WaitlistFlight flight, IReadOnlyCollection<string> released, int expected)
    {
        ctx.Progress.Phase($"checking {flight.FlightId} (not measured)");
        var admin = ctx.Admin;
        var entries = new (long EntryId, string Status, IReadOnlyList<string> Seats)[flight.Waiters.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, flight.Waiters.Count), Concurrently(ctx), async (i, ct) =>
        {
            var w = flight.Waiters[i];
            var outcome = await HttpExchange.SendAsync(admin.Http, CheckInClient.Passenger(HttpMethod.Get, $"/api/flights/{flight.FlightId}/waitlist/{w.PassengerId}", w.Token), true, ct);
            entries[i] = outcome.IsSuccess ? ReadEntry(outcome.Body!) : (w.EntryId, $"GET {outcome.Describe()}", []);
        });
        var assigned = entries.Where(e => e.Status == "ASSIGNED").ToList();
        var entrySeats = assigned.SelectMany(e => e.Seats).ToList();

        var auditRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/flights/{flight.FlightId}/waitlist-events?limit=1000");
        auditRequest.Headers.Add("X-Admin-Key", ctx.Target.AdminKey);
        var audit = await HttpExchange.SendAsync(admin.Http, auditRequest, true, ctx.Cancellation);
        var auditSeats = new List<string>();
        if (audit.IsSuccess)
        {
            using var events = JsonDocument.Parse(audit.Body!);
            auditSeats.AddRange(events.RootElement.EnumerateArray()
                .Where(e => e.GetProperty("action").GetString() == "ASSIGNED")
                .SelectMany(e => e.GetProperty("seats").EnumerateArray().Select(s => s.GetString()!)));
        }
        var problems = new List<string>();
        if (assigned.Count != expected || entrySeats.Count != expected)
        {
            problems.Add($"{assigned.Count} entries ASSIGNED with {entrySeats.Count} seats, {expected} expected");
        }
        if (entrySeats.Distinct(StringComparer.Ordinal).Count() != entrySeats.Count || entrySeats.Any(s => !released.Contains(s)))
        {
            problems.Add($"entries share seats or hold unreleased ones: {string.Join(",", entrySeats.Order(StringComparer.Ordinal))}");
        }
        if (!audit.IsSuccess || !auditSeats.Order(StringComparer.Ordinal).SequenceEqual(entrySeats.Order(StringComparer.Ordinal)))
        {
            problems.Add(audit.IsSuccess ? $"the audit trail's ASSIGNED seats ({auditSeats.Count}) differ from the entries' ({entrySeats.Count})" : $"audit trail: {audit.Describe()}");
        }
        var otherStatuses = entries.Where(e => e.Status is not ("ASSIGNED" or "WAITING")).Select(e => e.Status).Distinct().ToList();
        if (otherStatuses.Count > 0)
        {
            problems.Add($"entries in {string.Join(", ", otherStatuses)}");
        }

        // First come, first served: the entries with the smallest ids are the assigned ones.
        var firstInLine = flight.Waiters.Select(w => w.EntryId).Order().Take(expected).ToHashSet();
        var skipped = firstInLine.Count(id => !assigned.Any(e => e.EntryId == id));
        var fifo = skipped == 0 && assigned.All(e => firstInLine.Contains(e.EntryId));

        // The seat map may trail the seats by a moment: ask again until it settles or the deadline passes.
        var freeExpected = released.Count - expected;
        var waited = Stopwatch.StartNew();
        Dictionary<string, int> statuses;
        while (true)
        {
            var map = await admin.ReadSeatMapAsync(flight.FlightId, ctx.Cancellation);
            statuses = map.Seats.Values.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            if (Settled(statuses, freeExpected) || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                break;
            }
            await Task.Delay(100, ctx.Cancellation);
        }
        var settled = Settled(statuses, freeExpected);
        return new WaitlistVerdict(
            problems.Count == 0, string.Join("; ", problems),
            fifo, $"{skipped} of the first {expected} entries not served; assigned entries {string.Join(",", assigned.Select(e => e.EntryId).Order())}",
            settled, $"seat map: {string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))}; {freeExpected} AVAILABLE expected",
            statuses);
    }

    private static bool Settled(Dictionary<string, int> statuses, int freeExpected) =>
        statuses.GetValueOrDefault("AVAILABLE") == freeExpected && statuses.GetValueOrDefault("OFFERED") == 0 && statuses.GetValueOrDefault("HELD") == 0;

    /// <summary>Bookings of up to 9 passengers on the flight, each with a session: passengers in booking order.</summary>
    private static async Task<List<(string PassengerId, string Token)>> CreatePassengersAsync(BenchContext ctx, string flightId, int count)
    {
        var admin = ctx.Admin;
        var bookings = new (string Pnr, string Token, int Passengers)[WaitlistScenario.Bookings(count)];
        await Parallel.ForEachAsync(Enumerable.Range(0, bookings.Length), Concurrently(ctx), async (b, ct) =>
        {
            var passengers = WaitlistScenario.PassengersOfBooking(count, b);
            string pnr;
            do
            {
                pnr = WaitlistScenario.NewPnr();
            }
            while (!await admin.CreateBookingAsync(pnr, passengers, [flightId], ct));
            bookings[b] = (pnr, await admin.CreateSessionAsync(pnr, ct), passengers);
        });
        return [.. bookings.SelectMany(b => Enumerable.Range(1, b.Passengers).Select(i => ($"{b.Pnr}-{i}", b.Token)))];
    }

    private static (long EntryId, string Status, IReadOnlyList<string> Seats) ReadEntry(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var e = doc.RootElement;
        return (e.GetProperty("entryId").GetInt64(), e.GetProperty("status").GetString()!,
            [.. e.GetProperty("assignedSeats").EnumerateArray().Select(s => s.GetString()!)]);
    }

    private static ParallelOptions Concurrently(BenchContext ctx) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, ctx.Options.SetupConcurrency), CancellationToken = ctx.Cancellation };
}
