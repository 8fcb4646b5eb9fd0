using Npgsql;
using NpgsqlTypes;

namespace CheckIn.Host.Persistence;

/// <summary>
/// What the PostgreSQL audit logs share: appending an outbox as one batch of idempotent inserts, reading a flight's
/// events oldest first with a limit, and typed parameters.
/// </summary>
internal static class AuditTables
{
    /// <summary>One insert per event (<paramref name="sql"/> ends in ON CONFLICT DO NOTHING), sent as one batch.</summary>
    public static async Task AppendAsync<TEvent>(
        NpgsqlDataSource dataSource, string sql, IReadOnlyList<TEvent> events, Action<NpgsqlParameterCollection, TEvent> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }
        await using var batch = dataSource.CreateBatch();
        foreach (var e in events)
        {
            var command = new NpgsqlBatchCommand(sql);
            bind(command.Parameters, e);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with <c>@flight_id</c>, <c>@limit</c> and the optional <paramref name="filter"/>
    /// parameter (null matches every row), reading each row with <paramref name="read"/>.
    /// </summary>
    public static async Task<IReadOnlyList<TEvent>> QueryAsync<TEvent>(
        NpgsqlDataSource dataSource, string sql, string flightId, int limit, Func<NpgsqlDataReader, TEvent> read, CancellationToken cancellationToken,
        (string Name, string? Value)? filter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(flightId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Text("flight_id", flightId));
        if (filter is { } f)
        {
            command.Parameters.Add(Text(f.Name, f.Value));
        }
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        var result = new List<TEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(read(reader));
        }
        return result;
    }

    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter<string[]> TextArray(string name, IReadOnlyList<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] };

    public static NpgsqlParameter<Guid> Uuid(string name, Guid value) => new(name, NpgsqlDbType.Uuid) { TypedValue = value };

    public static NpgsqlParameter<long> Bigint(string name, long value) => new(name, NpgsqlDbType.Bigint) { TypedValue = value };

    /// <summary>timestamptz accepts only UTC offsets from Npgsql; the instant is what matters.</summary>
    public static NpgsqlParameter<DateTimeOffset> Timestamp(string name, DateTimeOffset value) =>
        new(name, NpgsqlDbType.TimestampTz) { TypedValue = value.ToUniversalTime() };
}
