using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Audit;
using Npgsql;
using NpgsqlTypes;
using static CheckIn.Host.Persistence.AuditTables;

namespace CheckIn.Host.Persistence;

/// <summary>The abuse incidents in PostgreSQL's <c>abuse_incidents</c> table (sql/008_abuse_incidents.sql).</summary>
internal sealed class PostgresAbuseIncidentLog(NpgsqlDataSource dataSource) : IAbuseIncidentLog
{
    private const string AppendSql = """
        INSERT INTO abuse_incidents (incident_id, client_key, rule, observed_count, window_ms, decision, expires_at, occurred_at, actor, reason)
        VALUES (@incident_id, @client_key, @rule, @observed_count, @window_ms, @decision, @expires_at, @occurred_at, @actor, @reason)
        ON CONFLICT (incident_id) DO NOTHING
        """;

    // Each filter is optional (null matches every row); same order as the in-memory log: newest first.
    private const string QuerySql = """
        SELECT incident_id, client_key, rule, observed_count, window_ms, decision, expires_at, occurred_at, actor, reason
          FROM abuse_incidents
         WHERE (@from::timestamptz IS NULL OR occurred_at >= @from)
           AND (@to::timestamptz IS NULL OR occurred_at < @to)
           AND (@client_key::text IS NULL OR client_key = @client_key)
           AND (@rule::text IS NULL OR rule = @rule)
         ORDER BY occurred_at DESC, recorded_order DESC
         LIMIT @limit
        """;

    public Task AppendAsync(AbuseIncident incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return AuditTables.AppendAsync(dataSource, AppendSql, [incident], static (p, e) =>
        {
            p.Add(Uuid("incident_id", e.IncidentId));
            p.Add(Text("client_key", e.ClientKey));
            p.Add(Text("rule", e.Rule.ToString()));
            p.Add(new NpgsqlParameter<int>("observed_count", NpgsqlDbType.Integer) { TypedValue = e.ObservedCount });
            p.Add(Bigint("window_ms", (long)e.Window.TotalMilliseconds));
            p.Add(Text("decision", e.Decision.ToString()));
            p.Add(OptionalTimestamp("expires_at", e.ExpiresAt));
            p.Add(Timestamp("occurred_at", e.At));
            p.Add(Text("actor", e.Actor));
            p.Add(Text("reason", e.Reason));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AbuseIncident>> QueryAsync(IncidentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        if (query.Limit == 0)
        {
            return [];
        }
        await using var command = dataSource.CreateCommand(QuerySql);
        command.Parameters.Add(OptionalTimestamp("from", query.From));
        command.Parameters.Add(OptionalTimestamp("to", query.To));
        command.Parameters.Add(Text("client_key", query.ClientKey));
        command.Parameters.Add(Text("rule", query.Rule?.ToString()));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = query.Limit });
        var result = new List<AbuseIncident>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AbuseIncident(
                IncidentId: reader.GetGuid(0),
                ClientKey: reader.GetString(1),
                Rule: Enum.Parse<AbuseRule>(reader.GetString(2)),
                ObservedCount: reader.GetInt32(3),
                Window: TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                Decision: Enum.Parse<IncidentDecision>(reader.GetString(5)),
                ExpiresAt: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                At: reader.GetFieldValue<DateTimeOffset>(7),
                Actor: reader.GetString(8),
                Reason: reader.GetString(9)));
        }
        return result;
    }

    private static NpgsqlParameter OptionalTimestamp(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };
}
