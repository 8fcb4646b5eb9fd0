using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Audit;
using Npgsql;
using static CheckIn.Host.Persistence.AuditTables;

namespace CheckIn.Host.Persistence;

/// <summary>The waitlist audit trail in PostgreSQL's <c>waitlist_events</c> table (sql/006_waitlist_events.sql).</summary>
internal sealed class PostgresWaitlistAuditLog(NpgsqlDataSource dataSource) : IWaitlistAuditLog
{
    private const string AppendSql = """
        INSERT INTO waitlist_events (event_id, flight_id, entry_sequence, pnr, passenger_ids, action, seats, actor, reason,
                                     occurred_at, correlation_id)
        VALUES (@event_id, @flight_id, @entry_sequence, @pnr, @passenger_ids, @action, @seats, @actor, @reason, @occurred_at,
                @correlation_id)
        ON CONFLICT (event_id) DO NOTHING
        """;

    // Same order as the in-memory log: time, then queue order, then the order the events were appended in.
    private const string QuerySql = """
        SELECT event_id, flight_id, entry_sequence, pnr, passenger_ids, action, seats, actor, reason, occurred_at, correlation_id
          FROM waitlist_events
         WHERE flight_id = @flight_id
         ORDER BY occurred_at, entry_sequence, recorded_order
         LIMIT @limit
        """;

    public Task AppendAsync(IReadOnlyList<WaitlistAuditEvent> events, CancellationToken cancellationToken = default) =>
        AuditTables.AppendAsync(dataSource, AppendSql, events, static (p, e) =>
        {
            p.Add(Uuid("event_id", e.EventId));
            p.Add(Text("flight_id", e.FlightId));
            p.Add(Bigint("entry_sequence", e.EntrySequence));
            p.Add(Text("pnr", e.Pnr));
            p.Add(TextArray("passenger_ids", e.PassengerIds));
            p.Add(Text("action", e.Action));
            p.Add(TextArray("seats", e.Seats));
            p.Add(Text("actor", e.Actor));
            p.Add(Text("reason", e.Reason));
            p.Add(Timestamp("occurred_at", e.At));
            p.Add(Text("correlation_id", e.CorrelationId));
        }, cancellationToken);

    public Task<IReadOnlyList<WaitlistAuditEvent>> QueryAsync(string flightId, int limit, CancellationToken cancellationToken = default) =>
        AuditTables.QueryAsync(dataSource, QuerySql, flightId, limit, static reader => new WaitlistAuditEvent(
            EventId: reader.GetGuid(0),
            FlightId: reader.GetString(1),
            EntrySequence: reader.GetInt64(2),
            Pnr: reader.GetString(3),
            PassengerIds: reader.GetFieldValue<string[]>(4),
            Action: reader.GetString(5),
            Seats: reader.GetFieldValue<string[]>(6),
            Actor: reader.GetString(7),
            Reason: reader.GetString(8),
            At: reader.GetFieldValue<DateTimeOffset>(9),
            CorrelationId: reader.GetString(10)), cancellationToken);
}
