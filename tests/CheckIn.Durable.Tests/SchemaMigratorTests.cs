using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Host.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace CheckIn.Durable.Tests;

[Collection(DurableCollection.Name)]
public sealed class SchemaMigratorTests(DurableServicesFixture services)
{
    private static readonly string[] ExpectedTables = ["abuse_incidents", "checkin_events", "orleans_grain_state", "orleans_reminders", "orleansquery", "schema_migrations", "seat_events", "waitlist_events"];

    [Fact]
    public async Task Migrating_twice_applies_each_file_once_and_changes_nothing_the_second_time()
    {
        var db = await services.CreateDatabaseAsync();

        await MigrateAsync(db, services.SqlDirectory);
        var firstRun = await Db.StringsAsync(db, "SELECT version || '@' || applied_at::text FROM schema_migrations ORDER BY version");
        await MigrateAsync(db, services.SqlDirectory);
        var secondRun = await Db.StringsAsync(db, "SELECT version || '@' || applied_at::text FROM schema_migrations ORDER BY version");

        var files = ShippedFileNames();
        Assert.Equal(files, await Db.StringsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Equal(firstRun, secondRun);
        Assert.Equal(ExpectedTables, await TablesAsync(db));
    }

    [Fact]
    public async Task Two_hosts_migrating_at_once_leave_one_row_per_file()
    {
        var db = await services.CreateDatabaseAsync();

        await Task.WhenAll(
            Task.Run(() => MigrateAsync(db, services.SqlDirectory)),
            Task.Run(() => MigrateAsync(db, services.SqlDirectory)),
            Task.Run(() => MigrateAsync(db, services.SqlDirectory)));

        Assert.Equal(ShippedFileNames(), await Db.StringsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Equal(ExpectedTables, await TablesAsync(db));
    }

    [Fact]
    public async Task An_edited_applied_file_stops_the_host_and_names_the_file()
    {
        var db = await services.CreateDatabaseAsync();
        var sqlCopy = CopyShippedFiles();
        await MigrateAsync(db, sqlCopy);

        var edited = Path.Combine(sqlCopy, "002_orleans_reminders.sql");
        await File.AppendAllTextAsync(edited, "\n-- an innocent-looking edit\n");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MigrateAsync(db, sqlCopy));
        Assert.Contains("002_orleans_reminders.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_file_is_applied_on_the_next_start_and_line_endings_do_not_count_as_edits()
    {
        var db = await services.CreateDatabaseAsync();
        var sqlCopy = CopyShippedFiles();
        await MigrateAsync(db, sqlCopy);

        // A Windows checkout turns LF into CRLF; that is not an edit.
        var crlf = Path.Combine(sqlCopy, "003_seat_events.sql");
        await File.WriteAllTextAsync(crlf, (await File.ReadAllTextAsync(crlf)).Replace("\n", "\r\n", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(sqlCopy, "999_extra.sql"), "CREATE TABLE IF NOT EXISTS extra_table (id int PRIMARY KEY);");
        await MigrateAsync(db, sqlCopy);

        Assert.Equal(1, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM schema_migrations WHERE version = '999_extra.sql'"));
        Assert.Equal(1, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'extra_table'"));
    }

    [Fact]
    public async Task A_failing_file_leaves_no_trace_and_reports_its_name()
    {
        var db = await services.CreateDatabaseAsync();
        var sqlCopy = CopyShippedFiles();
        await File.WriteAllTextAsync(
            Path.Combine(sqlCopy, "998_broken.sql"),
            "CREATE TABLE half_done (id int); SELECT no_such_function();");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MigrateAsync(db, sqlCopy));

        Assert.Contains("998_broken.sql", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'"));
        Assert.Equal(ShippedFileNames(), await Db.StringsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task Files_already_run_by_the_docker_entrypoint_are_applied_again_harmlessly()
    {
        // docker-compose's PostgreSQL runs sql/*.sql through /docker-entrypoint-initdb.d without schema_migrations.
        var db = await services.CreateDatabaseAsync();
        foreach (var file in Directory.GetFiles(services.SqlDirectory, "*.sql").Order(StringComparer.Ordinal))
        {
            await Db.ExecuteAsync(db, await File.ReadAllTextAsync(file));
        }

        await MigrateAsync(db, services.SqlDirectory);

        Assert.Equal(ShippedFileNames(), await Db.StringsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Equal(11, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM OrleansQuery"));
    }

    private static Task MigrateAsync(string db, string sqlDirectory) =>
        SchemaMigrator.MigrateAsync(db, sqlDirectory, NullLogger.Instance, CancellationToken.None);

    private static Task<List<string>> TablesAsync(string db) =>
        Db.StringsAsync(db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");

    private List<string> ShippedFileNames() =>
        [.. Directory.GetFiles(services.SqlDirectory, "*.sql").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private string CopyShippedFiles()
    {
        var copy = Directory.CreateTempSubdirectory("checkin-sql-").FullName;
        foreach (var file in Directory.GetFiles(services.SqlDirectory, "*.sql"))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
