using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace CheckIn.TestSupport.Hosts;

/// <summary>
/// A PostgreSQL server of one test's own (initdb into a temporary folder, 127.0.0.1 on a free port), so the test can
/// stop and start it without touching the server every other test shares. Disposing stops it and deletes the folder.
/// </summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string _directory;

    private ThrowawayPostgres(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The <c>checkin</c> database on this server.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=checkin";

    private string Data => Path.Combine(_directory, "data");

    private string Log => Path.Combine(_directory, "server.log");

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"checkin-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var server = new ThrowawayPostgres(directory, FreePorts.Next());
        try
        {
            await RunAsync("chown", "-R", "postgres:postgres", directory);
            await server.AsPostgresAsync($"'{Bin}/initdb' -D '{server.Data}' -U postgres -A trust -E UTF8 --locale=C -N");
            await File.AppendAllTextAsync(Path.Combine(server.Data, "postgresql.conf"),
                $"\nlisten_addresses = '127.0.0.1'\nport = {server.Port.ToString(CultureInfo.InvariantCulture)}\nunix_socket_directories = ''\n");
            await server.StartAgainAsync();
            await using var connection = new NpgsqlConnection(Db.Unpooled($"Host=127.0.0.1;Port={server.Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres"));
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE checkin", connection);
            await create.ExecuteNonQueryAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary><c>pg_ctl stop -m fast</c>: open connections are cut, as in a crash of the database host's service.</summary>
    public Task StopAsync() => AsPostgresAsync($"'{Bin}/pg_ctl' -D '{Data}' stop -m fast -w -t 30");

    public Task StartAgainAsync() => AsPostgresAsync($"'{Bin}/pg_ctl' -D '{Data}' -l '{Log}' -w -t 30 start");

    public void Dispose()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            try
            {
                StopAsync().GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the folder goes anyway.
            }
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp; nothing listens on it any more.
        }
    }

    private Task AsPostgresAsync(string command) => RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
