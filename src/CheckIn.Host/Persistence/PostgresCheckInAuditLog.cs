using CheckIn.Contracts.CheckIns;
using CheckIn.Grains.Audit;
using Npgsql;
using NpgsqlTypes;

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

    public async Task AppendAsync(IReadOnlyList<CheckInAuditEvent> events, CancellationToken cancellationToken = default)
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
            command.Parameters.Add(Text("passenger_id", e.PassengerId));
            command.Parameters.Add(Text("action", e.Action));
            command.Parameters.Add(Text("from_status", Stored(e.From)));
            command.Parameters.Add(Text("to_status", Stored(e.To)));
            command.Parameters.Add(Text("seat_number", e.SeatNumber));
            command.Parameters.Add(Text("actor", e.Actor));
            command.Parameters.Add(Text("reason", e.Reason));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("occurred_at", NpgsqlDbType.TimestampTz) { TypedValue = e.At.ToUniversalTime() });
            command.Parameters.Add(Text("correlation_id", e.CorrelationId));
            command.Parameters.Add(new NpgsqlParameter<long>("version", NpgsqlDbType.Bigint) { TypedValue = e.Version });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<CheckInAuditEvent>> QueryAsync(string flightId, string? passengerId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flightId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }
        await using var command = dataSource.CreateCommand(QuerySql);
        command.Parameters.Add(Text("flight_id", flightId));
        command.Parameters.Add(Text("passenger_id", passengerId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        var result = new List<CheckInAuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new CheckInAuditEvent(
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
                Version: reader.GetInt64(11)));
        }
        return result;
    }

    /// <summary>The status as the API writes it (IN_PROGRESS), so the table reads like the API.</summary>
    private static string Stored(CheckInStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}
