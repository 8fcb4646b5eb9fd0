using CheckIn.Contracts.Seats;
using CheckIn.Grains.Audit;
using Npgsql;
using NpgsqlTypes;

namespace CheckIn.Host.Persistence;

/// <summary>
/// The seat audit trail in PostgreSQL's <c>seat_events</c> table (sql/003_seat_events.sql).
/// </summary>
internal sealed class PostgresAuditLog(NpgsqlDataSource dataSource) : IAuditLog
{
    // One statement for the whole batch: the arrays are zipped back into rows by unnest. A repeated event id is
    // skipped, so a grain may re-send its outbox after a crash without duplicating history.
    private const string AppendSql = """
        INSERT INTO seat_events (event_id, flight_id, seat_number, from_status, to_status, passenger_id, actor, reason,
                                 occurred_at, correlation_id, seat_version)
        SELECT * FROM unnest(@event_ids, @flight_ids, @seat_numbers, @from_statuses, @to_statuses, @passenger_ids,
                             @actors, @reasons, @occurred_ats, @correlation_ids, @seat_versions)
        ON CONFLICT (event_id) DO NOTHING
        """;

    private const string QuerySql = """
        SELECT event_id, flight_id, seat_number, from_status, to_status, passenger_id, actor, reason, occurred_at,
               correlation_id, seat_version
          FROM seat_events
         WHERE flight_id = @flight_id
           AND (@seat_number IS NULL OR seat_number = @seat_number)
         ORDER BY occurred_at, seat_number, seat_version, event_id
         LIMIT @limit
        """;

    // A seat map's catch-up after a clean load: served by the (flight_id, occurred_at) index, reading only the
    // events since the snapshot (minus the map's margin); without a time, every event of the flight.
    private const string LatestVersionsSinceSql = """
        SELECT seat_number, max(seat_version)
          FROM seat_events
         WHERE flight_id = @flight_id AND occurred_at >= @since
         GROUP BY seat_number
        """;

    private const string LatestVersionsSql = """
        SELECT seat_number, max(seat_version)
          FROM seat_events
         WHERE flight_id = @flight_id
         GROUP BY seat_number
        """;

    // The flight hold backstop's question, once a minute while the flight has a held or offered seat: each seat's
    // latest event by version (the (flight_id, occurred_at) index finds the flight's events).
    private const string OpenSeatsSql = """
        SELECT seat_number, to_status, occurred_at
          FROM (SELECT DISTINCT ON (seat_number) seat_number, to_status, occurred_at
                  FROM seat_events
                 WHERE flight_id = @flight_id
                 ORDER BY seat_number, seat_version DESC) latest
         WHERE to_status IN ('HELD', 'OFFERED')
        """;

    public async Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flightId);
        await using var command = dataSource.CreateCommand(OpenSeatsSql);
        command.Parameters.Add(AuditTables.Text("flight_id", flightId));
        var result = new List<OpenSeat>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new OpenSeat(reader.GetString(0), FromStoredStatus(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flightId);
        await using var command = dataSource.CreateCommand(since is null ? LatestVersionsSql : LatestVersionsSinceSql);
        command.Parameters.Add(AuditTables.Text("flight_id", flightId));
        if (since is { } at)
        {
            command.Parameters.Add(AuditTables.Timestamp("since", at));
        }
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }
        return result;
    }

    public async Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        var count = events.Count;
        var eventIds = new Guid[count];
        var flightIds = new string[count];
        var seatNumbers = new string[count];
        var fromStatuses = new string[count];
        var toStatuses = new string[count];
        var passengerIds = new string?[count];
        var actors = new string[count];
        var reasons = new string[count];
        var occurredAts = new DateTimeOffset[count];
        var correlationIds = new string[count];
        var seatVersions = new long[count];
        for (var i = 0; i < count; i++)
        {
            var e = events[i];
            eventIds[i] = e.EventId;
            flightIds[i] = e.FlightId;
            seatNumbers[i] = e.SeatNumber;
            fromStatuses[i] = ToStoredStatus(e.From);
            toStatuses[i] = ToStoredStatus(e.To);
            passengerIds[i] = e.PassengerId;
            actors[i] = e.Actor;
            reasons[i] = e.Reason;
            // timestamptz accepts only UTC offsets from Npgsql; the instant is what matters.
            occurredAts[i] = e.At.ToUniversalTime();
            correlationIds[i] = e.CorrelationId;
            seatVersions[i] = e.SeatVersion;
        }

        await using var command = dataSource.CreateCommand(AppendSql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("event_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = eventIds });
        command.Parameters.Add(TextArray("flight_ids", flightIds));
        command.Parameters.Add(TextArray("seat_numbers", seatNumbers));
        command.Parameters.Add(TextArray("from_statuses", fromStatuses));
        command.Parameters.Add(TextArray("to_statuses", toStatuses));
        command.Parameters.Add(TextArray("passenger_ids", passengerIds));
        command.Parameters.Add(TextArray("actors", actors));
        command.Parameters.Add(TextArray("reasons", reasons));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("occurred_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = occurredAts });
        command.Parameters.Add(TextArray("correlation_ids", correlationIds));
        command.Parameters.Add(new NpgsqlParameter<long[]>("seat_versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seatVersions });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
        AuditTables.QueryAsync(dataSource, QuerySql, flightId, limit, static reader => new SeatAuditEvent(
            EventId: reader.GetGuid(0),
            FlightId: reader.GetString(1),
            SeatNumber: reader.GetString(2),
            From: FromStoredStatus(reader.GetString(3)),
            To: FromStoredStatus(reader.GetString(4)),
            PassengerId: reader.IsDBNull(5) ? null : reader.GetString(5),
            Actor: reader.GetString(6),
            Reason: reader.GetString(7),
            At: reader.GetFieldValue<DateTimeOffset>(8),
            CorrelationId: reader.GetString(9),
            SeatVersion: reader.GetInt64(10)), cancellationToken, ("seat_number", seatNumber));

    internal static string ToStoredStatus(SeatStatus status) => status switch
    {
        SeatStatus.Available => "AVAILABLE",
        SeatStatus.Held => "HELD",
        SeatStatus.Confirmed => "CONFIRMED",
        SeatStatus.Blocked => "BLOCKED",
        SeatStatus.Offered => "OFFERED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown seat status."),
    };

    internal static SeatStatus FromStoredStatus(string stored) => stored switch
    {
        "AVAILABLE" => SeatStatus.Available,
        "HELD" => SeatStatus.Held,
        "CONFIRMED" => SeatStatus.Confirmed,
        "BLOCKED" => SeatStatus.Blocked,
        "OFFERED" => SeatStatus.Offered,
        _ => throw new InvalidOperationException($"seat_events holds an unknown seat status '{stored}'."),
    };

    private static NpgsqlParameter<string?[]> TextArray(string name, string?[] values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values };
}
