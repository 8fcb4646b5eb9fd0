using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Audit;
using Npgsql;
using NpgsqlTypes;

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

    public async Task AppendAsync(IReadOnlyList<WaitlistAuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }
        await using var batch = dataSource.CreateBatch();
        foreach (var e in events)
        {
            var command = new NpgsqlBatchCommand(AppendSql);
            command.Parameters.Add(new NpgsqlParameter<Guid>("event_id", NpgsqlDbType.Uuid) { TypedValue = e.EventId });
            command.Parameters.Add(Text("flight_id", e.FlightId));
            command.Parameters.Add(new NpgsqlParameter<long>("entry_sequence", NpgsqlDbType.Bigint) { TypedValue = e.EntrySequence });
            command.Parameters.Add(Text("pnr", e.Pnr));
            command.Parameters.Add(TextArray("passenger_ids", e.PassengerIds));
            command.Parameters.Add(Text("action", e.Action));
            command.Parameters.Add(TextArray("seats", e.Seats));
            command.Parameters.Add(Text("actor", e.Actor));
            command.Parameters.Add(Text("reason", e.Reason));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("occurred_at", NpgsqlDbType.TimestampTz) { TypedValue = e.At.ToUniversalTime() });
            command.Parameters.Add(Text("correlation_id", e.CorrelationId));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WaitlistAuditEvent>> QueryAsync(string flightId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flightId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }
        await using var command = dataSource.CreateCommand(QuerySql);
        command.Parameters.Add(Text("flight_id", flightId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        var result = new List<WaitlistAuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new WaitlistAuditEvent(
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
                CorrelationId: reader.GetString(10)));
        }
        return result;
    }

    private static NpgsqlParameter Text(string name, string value) => new(name, NpgsqlDbType.Text) { Value = value };

    private static NpgsqlParameter<string[]> TextArray(string name, IReadOnlyList<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] };
}
