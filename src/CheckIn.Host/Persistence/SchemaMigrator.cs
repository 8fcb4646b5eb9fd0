using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace CheckIn.Host.Persistence;

/// <summary>
/// Applies the numbered files of <c>sql/</c> (<c>001_name.sql</c>, <c>002_...</c>) that a database has not seen yet,
/// in order, each in its own transaction together with its <c>schema_migrations</c> row.
/// </summary>
/// <remarks>
/// Hosts starting together serialize on a PostgreSQL advisory lock, so exactly one applies each file. A file that
/// was applied and has changed since stops the host: edits go into a new numbered file, never into an applied one.
/// The files are idempotent on their own because docker-compose also runs them through
/// <c>/docker-entrypoint-initdb.d</c> without recording them here.
/// </remarks>
public static partial class SchemaMigrator
{
    // Any fixed 64-bit number works; advisory locks are scoped to one database.
    private const long AdvisoryLockKey = 0x43_68_65_63_6B_49_6E_01; // "CheckIn" + 1

    [GeneratedRegex(@"^(?<version>\d{3})_[^/\\]+\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationFileName();

    public static async Task MigrateAsync(string connectionString, string sqlDirectory, ILogger logger, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlDirectory);
        ArgumentNullException.ThrowIfNull(logger);

        var files = FindMigrationFiles(sqlDirectory);

        // Its own unpooled connection: one per start, closed when done, never an idle one held beside the host's
        // capped pool.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);

        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@key)", ct, ("key", AdvisoryLockKey));
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations
                (
                    version    text        NOT NULL PRIMARY KEY,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, ct);

            var applied = await ReadAppliedAsync(connection, ct);
            var appliedCount = 0;
            foreach (var file in files)
            {
                if (applied.TryGetValue(file.FileName, out var recordedChecksum))
                {
                    if (!string.Equals(recordedChecksum, file.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Schema file '{file.FileName}' was already applied to this database with checksum {recordedChecksum}, " +
                            $"but its contents now hash to {file.Checksum}. Applied schema files must not change: " +
                            "revert the edit and put the change into a new numbered file.");
                    }

                    continue;
                }

                await ApplyAsync(connection, file, ct);
                appliedCount++;
                LogApplied(logger, file.FileName, file.Checksum);
            }

            LogUpToDate(logger, files.Count, appliedCount);
        }
        finally
        {
            // Ending the session releases the lock as well, so a failed unlock must not hide the original error.
            try
            {
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
            }
            catch (NpgsqlException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static List<MigrationFile> FindMigrationFiles(string sqlDirectory)
    {
        if (!Directory.Exists(sqlDirectory))
        {
            throw new InvalidOperationException($"Schema directory '{sqlDirectory}' does not exist.");
        }

        var files = new List<MigrationFile>();
        foreach (var path in Directory.EnumerateFiles(sqlDirectory, "*.sql"))
        {
            var fileName = Path.GetFileName(path);
            var match = MigrationFileName().Match(fileName);
            if (!match.Success)
            {
                continue;
            }

            // Line endings are normalized so a Windows checkout does not look like an edited file.
            var text = File.ReadAllText(path, Encoding.UTF8).Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            files.Add(new MigrationFile(fileName, text, checksum));
        }

        files.Sort((a, b) => string.CompareOrdinal(a.FileName, b.FileName));

        var duplicate = files
            .GroupBy(f => MigrationFileName().Match(f.FileName).Groups["version"].Value)
            .FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Schema files {string.Join(" and ", duplicate.Select(f => $"'{f.FileName}'"))} share the number {duplicate.Key}.");
        }

        return files;
    }

    private static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, MigrationFile file, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            // No parameters: the file runs as written, several statements in one command.
            await ExecuteAsync(connection, transaction, file.Sql, ct);
            await ExecuteAsync(connection, transaction,
                "INSERT INTO schema_migrations (version, checksum, applied_at) VALUES (@version, @checksum, now())",
                ct, ("version", file.FileName), ("checksum", file.Checksum));
            await transaction.CommitAsync(ct);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException($"Schema file '{file.FileName}' failed to apply: {ex.MessageText}", ex);
        }
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema file {FileName} (sha256 {Checksum})")]
    private static partial void LogApplied(ILogger logger, string fileName, string checksum);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date: {FileCount} files, {AppliedCount} applied now")]
    private static partial void LogUpToDate(ILogger logger, int fileCount, int appliedCount);

    /// <param name="FileName">Also the file's key in schema_migrations.version.</param>
    private sealed record MigrationFile(string FileName, string Sql, string Checksum);
}
