using System.Diagnostics;
using System.Text.Json;
using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;
using Npgsql;

namespace CheckIn.Faults.Harness;

/// <summary>What the checks found: the anomalies (empty when every check holds) and the figures of the run.</summary>
public sealed record CheckOutcome(
    IReadOnlyList<string> Anomalies,
    string Linearizability,
    int SeatOperations,
    double CheckerSeconds,
    IReadOnlyList<double> ExpiryLagsMs,
    int HoldsExpired,
    int ConfirmsChecked,
    int PaymentsChecked,
    int WaitlistAssignments,
    int MovesWithTwoSeats);

/// <summary>
/// The checks after a fault run, on what PostgreSQL holds and what the clients were told:
/// linearizability per seat; nothing a 2xx reported lost; every audit record once and none for a refused call; no
/// seat ever passed between two owners; no passenger ending with two seats; every hold past its time expired
/// (with the lag); payments applied once; the waitlist served in joining order.
/// </summary>
internal static class FaultChecks
{
    /// <summary>How late after a hold's expiry a command may still find it held (clock reading and the grain's turn).</summary>
    public static readonly TimeSpan ExpiryTolerance = TimeSpan.FromSeconds(2);

    /// <summary>Every seat's hold/confirm/release history against the seat model, within the run's bound.</summary>
    public static CheckResult<SeatRequest, SeatAnswer> CheckSeats(IEnumerable<Operation<SeatRequest, SeatAnswer>> history, TimeSpan holdDuration) =>
        LinearizabilityChecker.Check(new SeatModel(holdDuration, ExpiryTolerance), history, new CheckBound(20_000_000, TimeSpan.FromMinutes(3)));

    public static async Task<CheckOutcome> RunAsync(string postgres, WorkloadData data, Workload workload, CallRecorder calls, TimeSpan holdDuration, Action<string> log)
    {
        var anomalies = new List<string>();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var events = await SeatEventsAsync(connection, data.HotFlight);
        var seats = await SeatStatesAsync(connection, data.HotFlight, data.AllHotSeats);

        // 1. Linearizability of every seat's hold/confirm/release history.
        var history = workload.History;
        await WriteEvidenceAsync(history, events);
        var timer = Stopwatch.StartNew();
        var result = CheckSeats(history, holdDuration);
        var checkerSeconds = timer.Elapsed.TotalSeconds;
        foreach (var failure in result.Failures)
        {
            anomalies.Add($"seat {failure.Partition}: {failure.Verdict} ({failure.Operations} operations): {Truncate(failure.Explain(), 2000)}");
        }
        log($"linearizability: {result.Verdict} over {history.Count} operations in {checkerSeconds:F1} s");

        var seatCalls = workload.SeatCalls;
        var traces = seatCalls.ToDictionary(c => c.Call.TraceId, StringComparer.Ordinal);

        // 2. Nothing lost: a 2xx confirm is CONFIRMED in storage at the end unless the passenger later moved or let go.
        // (Looked up per passenger and per passenger's seat: a soak records ~100,000 calls, and scanning them all for
        // each call made these checks quadratic, minutes long.)
        var byPassenger = seatCalls.ToLookup(c => c.Request.Passenger, StringComparer.Ordinal);
        var confirms = seatCalls.Where(c => c.Request.Command == SeatCommand.Confirm && c.Call.IsOk).ToList();
        foreach (var confirm in confirms)
        {
            var passenger = confirm.Request.Passenger;
            var movedLater = byPassenger[passenger].Any(c => c.Call.Invoked > confirm.Call.Completed
                && c.Call.Outcome is CallOutcome.Ok or CallOutcome.Unknown
                && (c.Request.Command == SeatCommand.Hold && c.Request.Seat != confirm.Request.Seat
                    || c.Request.Command == SeatCommand.Release && c.Request.Seat == confirm.Request.Seat));
            if (movedLater)
            {
                continue;
            }
            if (!seats.TryGetValue(confirm.Request.Seat, out var stored) || stored.Status != "Confirmed" || stored.PassengerId != passenger)
            {
                anomalies.Add($"lost confirm: {confirm.Request} answered 2xx at {confirm.Call.Completed:HH:mm:ss.fff}, but storage has {stored}");
            }
        }

        // 3. The end state: no seat held past its time, no passenger with two seats.
        var now = DateTimeOffset.UtcNow;
        foreach (var (seat, state) in seats)
        {
            if (state.Status == "Held" && state.HoldExpiresAt < now - ExpiryTolerance)
            {
                anomalies.Add($"seat {seat} still HELD by {state.PassengerId} in storage, {(now - state.HoldExpiresAt!.Value).TotalSeconds:F1} s after its expiry");
            }
        }
        foreach (var owner in seats.Values.Where(s => s.Status is "Held" or "Confirmed").GroupBy(s => s.PassengerId).Where(g => g.Count() > 1))
        {
            anomalies.Add($"passenger {owner.Key} ends with {owner.Count()} seats: {string.Join(", ", owner.Select(s => s.Seat))}");
        }

        // 4. The audit trail: one record per transition, none for a refused call, and every seat's versions a legal chain.
        foreach (var duplicate in events.GroupBy(e => (e.CorrelationId, e.Seat, e.To, e.Passenger)).Where(g => g.Count() > 1 && traces.ContainsKey(g.Key.CorrelationId)))
        {
            anomalies.Add($"audit record written {duplicate.Count()} times: {duplicate.First()}");
        }
        foreach (var e in events.Where(e => traces.TryGetValue(e.CorrelationId, out var c) && c.Call.Outcome == CallOutcome.Refused && e.Actor.StartsWith("passenger", StringComparison.Ordinal)))
        {
            anomalies.Add($"audit record of a refused call (half-applied): {e} from {traces[e.CorrelationId].Request} -> {traces[e.CorrelationId].Call.Code}");
        }
        var recorded = events.Select(e => e.CorrelationId).ToHashSet(StringComparer.Ordinal);
        var bySeatAndPassenger = seatCalls.ToLookup(c => (c.Request.Seat, c.Request.Passenger));
        var missing = seatCalls.Where(c => c.Call.IsOk && IsChange(c, bySeatAndPassenger[(c.Request.Seat, c.Request.Passenger)]) && !recorded.Contains(c.Call.TraceId)).ToList();
        if (missing.Count > 0)
        {
            anomalies.Add($"{missing.Count} 2xx seat commands that changed a seat have no audit record, e.g. {missing[0].Request} at {missing[0].Call.Completed:HH:mm:ss.fff}");
        }
        foreach (var seat in events.GroupBy(e => e.Seat))
        {
            SeatEvent? previous = null;
            foreach (var e in seat.OrderBy(e => e.Version))
            {
                var legal = previous is null
                    ? e.From == "AVAILABLE"
                    : e.Version > previous.Version && e.From == previous.To
                        && !(e.From is "HELD" or "CONFIRMED" && e.To is "HELD" or "CONFIRMED" && e.Passenger != previous.Passenger);
                if (!legal)
                {
                    anomalies.Add($"seat {seat.Key}: {previous} then {e}: not a legal transition (two owners or a lost version)");
                }
                previous = e;
            }
        }
        var moves = CountMovesWithTwoSeats(events, anomalies);

        // 5. Expiry lag: from a hold's end (its HELD record + the hold duration) to its "hold expired" record.
        var lags = new List<double>();
        foreach (var seat in events.GroupBy(e => e.Seat))
        {
            var ordered = seat.OrderBy(e => e.Version).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].Reason == "hold expired" && ordered[i - 1].To == "HELD")
                {
                    lags.Add((ordered[i].At - (ordered[i - 1].At + holdDuration)).TotalMilliseconds);
                }
            }
        }

        // 6. Payments: one PAYMENT_SUCCEEDED per paid check-in however many deliveries; none left waiting.
        var payments = workload.Payments;
        var paid = await CheckInPaymentsAsync(connection, data.PaymentFlight);
        foreach (var passenger in payments.GroupBy(p => p.PassengerId))
        {
            paid.TryGetValue(passenger.Key, out var applied);
            var acknowledged = passenger.Any(p => p.Call.IsOk);
            if (applied.Succeeded > 1 || acknowledged && applied.Succeeded != 1)
            {
                anomalies.Add($"payment of {passenger.Key}: {passenger.Count()} deliveries ({passenger.Count(p => p.Call.IsOk)} acknowledged), applied {applied.Succeeded} times");
            }
            if (acknowledged && applied.LastStatus == "WAITING_FOR_PAYMENT")
            {
                anomalies.Add($"check-in of {passenger.Key} still WAITING_FOR_PAYMENT after an acknowledged payment");
            }
        }

        // 7. The waitlist: one entry per passenger however many joins, every acknowledged join recorded, FIFO assignment.
        var waitlist = await WaitlistEventsAsync(connection, data.WaitlistFlight);
        var joined = waitlist.Where(e => e.Action == "JOINED").ToList();
        foreach (var twice in joined.GroupBy(e => e.Passengers).Where(g => g.Count() > 1))
        {
            anomalies.Add($"waitlist: {twice.Key} joined {twice.Count()} times");
        }
        foreach (var join in workload.Joins.Where(j => j.Call.IsOk).Select(j => j.PassengerId).Distinct(StringComparer.Ordinal))
        {
            if (!joined.Any(e => e.Passengers.Split(',').Contains(join, StringComparer.Ordinal)))
            {
                anomalies.Add($"waitlist: {join}'s acknowledged join has no JOINED record");
            }
        }
        var assigned = waitlist.Where(e => e.Action == "ASSIGNED").ToList();
        foreach (var assignment in assigned)
        {
            var skipped = joined.Where(j => j.Sequence < assignment.Sequence
                && !waitlist.Any(o => o.Sequence == j.Sequence && o.Action is "ASSIGNED" or "LEFT" or "EXPIRED" && o.Order < assignment.Order)).ToList();
            if (skipped.Count > 0)
            {
                anomalies.Add($"waitlist: entry {assignment.Sequence} was assigned while earlier entry {skipped[0].Sequence} still waited");
            }
        }

        return new CheckOutcome(anomalies, result.Verdict.ToString(), history.Count, Math.Round(checkerSeconds, 2), lags,
            lags.Count, confirms.Count, payments.Select(p => p.PassengerId).Distinct(StringComparer.Ordinal).Count(), assigned.Count, moves);
    }

    /// <summary>
    /// A hold that moves a passenger takes the new seat, then lets go of the old one (PassengerSeatGrain): for that
    /// moment the passenger has two seats. Each such overlap must be ended by the same request (or by the move's
    /// backstop after a crash); one still open at the end is an anomaly (checked on the final state as well).
    /// </summary>
    private static int CountMovesWithTwoSeats(IReadOnlyList<SeatEvent> events, List<string> anomalies)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var moves = 0;
        foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Version))
        {
            if (e.To is "HELD" or "CONFIRMED" && e.Passenger is { } p)
            {
                owner[e.Seat] = p;
                if (owner.Count(o => o.Value == p) > 1)
                {
                    moves++;
                }
            }
            else
            {
                owner.Remove(e.Seat);
            }
        }
        foreach (var twice in owner.GroupBy(o => o.Value).Where(g => g.Count() > 1))
        {
            anomalies.Add($"audit trail ends with passenger {twice.Key} on {string.Join(", ", twice.Select(o => o.Key))}");
        }
        return moves;
    }

    /// <summary>Did this 2xx change the seat, or repeat an answer an earlier call of the same passenger already got?</summary>
    // Which 2xx must have left an audit record under their own trace id: a hold answered HELD with an expiry no
    // earlier hold of the same passenger on the seat got (a repeat, or a hold of the confirmed owner answered
    // CONFIRMED, records nothing), and a confirm unless the passenger already had the seat CONFIRMED or sent a confirm
    // that was lost (it may have landed). A release is answered 2xx again without a record after the passenger let go
    // (or moved, or the hold expired): releases are not checked here. An earlier lost command of the same kind may
    // have made the change, so it excuses the record too.
    private static bool IsChange(SeatCall call, IEnumerable<SeatCall> sameSeatAndPassenger)
    {
        var earlier = sameSeatAndPassenger.Where(o => o.Call.Invoked < call.Call.Invoked).ToList();
        return call.Request.Command switch
        {
            SeatCommand.Hold => StatusOf(call.Call) == "HELD"
                && !earlier.Any(o => o.Request.Command == SeatCommand.Hold && (o.Call.Outcome == CallOutcome.Unknown || o.Call.IsOk && SameBody(o.Call, call.Call))),
            SeatCommand.Confirm => !earlier.Any(o => o.Call.IsOk && StatusOf(o.Call) == "CONFIRMED"
                || o.Request.Command == SeatCommand.Confirm && o.Call.Outcome == CallOutcome.Unknown),
            _ => false,
        };
    }

    private static string? StatusOf(Call call) =>
        call.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("status", out var status) ? status.GetString() : null;

    private static bool SameBody(Call a, Call b) => a.Body?.GetRawText() == b.Body?.GetRawText();

    /// <summary>
    /// The recorded seat history (what the checker reads) and the audit trail (what the cluster did), one JSON object
    /// a line, beside the report: artifacts/faults/seat-history.jsonl and seat-events.jsonl, to look into a verdict.
    /// </summary>
    private static async Task WriteEvidenceAsync(IReadOnlyList<Operation<SeatRequest, SeatAnswer>> history, IReadOnlyList<SeatEvent> events)
    {
        var folder = Path.Combine(FaultServices.RepositoryRoot(), "artifacts", "faults");
        Directory.CreateDirectory(folder);
        await SeatHistoryFile.WriteAsync(Path.Combine(folder, "seat-history.jsonl"), history);
        await File.WriteAllLinesAsync(Path.Combine(folder, "seat-events.jsonl"), events.OrderBy(e => e.Seat).ThenBy(e => e.Version).Select(e => JsonSerializer.Serialize(e)));
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + " …";

    public sealed record SeatEvent(string Seat, string From, string To, string? Passenger, string Actor, string Reason, DateTimeOffset At, string CorrelationId, long Version)
    {
        public override string ToString() => $"{Seat} v{Version} {From}->{To} {Passenger} by {Actor} ({Reason}) at {At:HH:mm:ss.fff} [{CorrelationId}]";
    }

    public sealed record StoredSeat(string Seat, string Status, string? PassengerId, DateTimeOffset? HoldExpiresAt, long Version);

    private sealed record WaitlistEvent(long Sequence, string Passengers, string Action, long Order);

    private static async Task<List<SeatEvent>> SeatEventsAsync(NpgsqlConnection connection, string flight)
    {
        await using var command = new NpgsqlCommand(
            "SELECT seat_number, from_status, to_status, passenger_id, actor, reason, occurred_at, correlation_id, seat_version FROM seat_events WHERE flight_id = @f", connection);
        command.Parameters.AddWithValue("f", flight);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<SeatEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new SeatEvent(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7), reader.GetInt64(8)));
        }
        return events;
    }

    /// <summary>The seat grains' stored records (orleans_grain_state, keyed <c>{flight}/{seat}</c>).</summary>
    private static async Task<Dictionary<string, StoredSeat>> SeatStatesAsync(NpgsqlConnection connection, string flight, IReadOnlyList<string> seatNumbers)
    {
        await using var command = new NpgsqlCommand("SELECT grain_id_extension, payload FROM orleans_grain_state WHERE grain_id_extension = ANY(@keys) AND payload IS NOT NULL", connection);
        command.Parameters.AddWithValue("keys", seatNumbers.Select(s => $"{flight}/{s}").ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var seats = new Dictionary<string, StoredSeat>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            using var json = JsonDocument.Parse(reader.GetFieldValue<byte[]>(1));
            if (!json.RootElement.TryGetProperty("record", out var record))
            {
                continue; // another grain type with the same key shape
            }
            var seat = reader.GetString(0)[(flight.Length + 1)..];
            seats[seat] = new StoredSeat(seat, record.GetProperty("status").GetString()!,
                record.TryGetProperty("passengerId", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
                record.TryGetProperty("holdExpiresAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null,
                record.GetProperty("version").GetInt64());
        }
        return seats;
    }

    private static async Task<Dictionary<string, (int Succeeded, string? LastStatus)>> CheckInPaymentsAsync(NpgsqlConnection connection, string flight)
    {
        await using var command = new NpgsqlCommand(
            "SELECT passenger_id, count(*) FILTER (WHERE action = 'PAYMENT_SUCCEEDED'), (array_agg(to_status ORDER BY version DESC))[1] FROM checkin_events WHERE flight_id = @f GROUP BY passenger_id", connection);
        command.Parameters.AddWithValue("f", flight);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, (int, string?)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = ((int)reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
        return result;
    }

    private static async Task<List<WaitlistEvent>> WaitlistEventsAsync(NpgsqlConnection connection, string flight)
    {
        await using var command = new NpgsqlCommand(
            "SELECT entry_sequence, array_to_string(passenger_ids, ','), action, recorded_order FROM waitlist_events WHERE flight_id = @f ORDER BY recorded_order", connection);
        command.Parameters.AddWithValue("f", flight);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<WaitlistEvent>();
        while (await reader.ReadAsync())
        {
            result.Add(new WaitlistEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }
        return result;
    }
}
