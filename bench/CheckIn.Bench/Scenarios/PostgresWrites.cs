using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// What the host's database did over a window, from PostgreSQL's own statistics (<c>pg_stat_database</c>,
/// <c>pg_stat_user_tables</c>) read before and after: transactions committed (every statement the host sends outside
/// an explicit transaction is one, reads included, so this is the round trips) and rows inserted, updated and deleted
/// per table. A backend reports its statistics when it goes idle, at most once a second and at the latest 10 s later
/// (PostgreSQL 15), so the reading after the window waits until the host's connections have had that long.
/// </summary>
internal static class PostgresWrites
{
    public static readonly TimeSpan ReportDelay = TimeSpan.FromSeconds(11);

    public sealed record TableRows(long Inserted, long Updated, long Deleted);

    public sealed record Snapshot(long Commits, long Rollbacks, IReadOnlyDictionary<string, TableRows> Tables);

    public static async Task<Snapshot> TakeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        long commits;
        long rollbacks;
        await using (var command = new NpgsqlCommand("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            commits = reader.GetInt64(0);
            rollbacks = reader.GetInt64(1);
        }
        var tables = new SortedDictionary<string, TableRows>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables[reader.GetString(0)] = new TableRows(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }
        }
        return new Snapshot(commits, rollbacks, tables);
    }

    /// <summary>Per command of the window: transactions, and rows written per table (tables the window did not write are left out).</summary>
    public static JsonObject PerCommand(Snapshot before, Snapshot after, long commands)
    {
        double Per(long delta) => commands > 0 ? Math.Round(delta / (double)commands, 3) : 0;
        var tables = new JsonObject();
        foreach (var (name, rows) in after.Tables)
        {
            var was = before.Tables.GetValueOrDefault(name, new TableRows(0, 0, 0));
            var (ins, upd, del) = (rows.Inserted - was.Inserted, rows.Updated - was.Updated, rows.Deleted - was.Deleted);
            if (ins + upd + del > 0)
            {
                tables[name] = new JsonObject { ["inserted"] = Per(ins), ["updated"] = Per(upd), ["deleted"] = Per(del) };
            }
        }
        return new JsonObject
        {
            ["commands"] = commands,
            ["transactions"] = Per(after.Commits - before.Commits),
            ["rollbacks"] = Per(after.Rollbacks - before.Rollbacks),
            ["rowsWrittenPerTable"] = tables,
        };
    }

    public static string Describe(JsonObject perCommand) =>
        string.Format(CultureInfo.InvariantCulture, "{0} PostgreSQL transactions per seat command (reads included) over {1} commands",
            perCommand["transactions"], perCommand["commands"]);
}
