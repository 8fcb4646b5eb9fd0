using CheckIn.Contracts.CheckIns;
using CheckIn.Grains.Audit;
using Npgsql;
using static CheckIn.Host.Persistence.AuditTables;

namespace CheckIn.Host.Persistence;

/// <summary>The check-in audit trail in PostgreSQL's <c>checkin_events</c> table (sql/005_checkin_events.sql).</summary>
internal sealed class PostgresCheckInAuditLog(NpgsqlDataSource dataSource) : ICheckInAuditLog
{
    private const string AppendSql = """
        INSERT INTO checkin_events (event_id, flight_id, passenger_id, action, from_status, to_status, seat_number, actor,
                                    reason, occurred_at, correlation_id, version)
        VALUES (@event_id, @flight_id, @passenger_id, @action, @from_status, @to_status, @seat_number, @actor, @reason,
                @occurred_at, @correlation_id, @version)
        ON CONFLICT (event_id) DO NOTHING
        """;

    private const string QuerySql = """
        SELECT event_id, flight_id, passenger_id, action, from_status, to_status, seat_number, actor, reason, occurred_at,
               correlation_id, version
          FROM checkin_events
         WHERE flight_id = @flight_id
           AND (@passenger_id IS NULL OR passenger_id = @passenger_id)
         ORDER BY occurred_at, passenger_id, version, event_id
         LIMIT @limit
        """;

    public Task AppendAsync(IReadOnlyList<CheckInAuditEvent> events, CancellationToken cancellationToken = default) =>
        AuditTables.AppendAsync(dataSource, AppendSql, events, static (p, e) =>
        {
            p.Add(Uuid("event_id", e.EventId));
            p.Add(Text("flight_id", e.FlightId));
            p.Add(Text("passenger_id", e.PassengerId));
            p.Add(Text("action", e.Action));
            p.Add(Text("from_status", Stored(e.From)));
            p.Add(Text("to_status", Stored(e.To)));
            p.Add(Text("seat_number", e.SeatNumber));
            p.Add(Text("actor", e.Actor));
            p.Add(Text("reason", e.Reason));
            p.Add(Timestamp("occurred_at", e.At));
            p.Add(Text("correlation_id", e.CorrelationId));
            p.Add(Bigint("version", e.Version));
        }, cancellationToken);

    public Task<IReadOnlyList<CheckInAuditEvent>> QueryAsync(string flightId, string? passengerId, int limit, CancellationToken cancellationToken = default) =>
        AuditTables.QueryAsync(dataSource, QuerySql, flightId, limit, static reader => new CheckInAuditEvent(
            EventId: reader.GetGuid(0),
            FlightId: reader.GetString(1),
            PassengerId: reader.GetString(2),
            Action: reader.GetString(3),
            From: Enum.Parse<CheckInStatus>(reader.GetString(4).Replace("_", "", StringComparison.Ordinal), ignoreCase: true),
            To: Enum.Parse<CheckInStatus>(reader.GetString(5).Replace("_", "", StringComparison.Ordinal), ignoreCase: true),
            SeatNumber: reader.IsDBNull(6) ? null : reader.GetString(6),
            Actor: reader.GetString(7),
            Reason: reader.GetString(8),
            At: reader.GetFieldValue<DateTimeOffset>(9),
            CorrelationId: reader.GetString(10),
            Version: reader.GetInt64(11)), cancellationToken, ("passenger_id", passengerId));

    /// <summary>The status as the API writes it (IN_PROGRESS), so the table reads like the API.</summary>
    private static string Stored(CheckInStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());
}
