using System.Diagnostics;
using System.Globalization;

namespace CheckIn.Faults.Harness;

/// <summary>
/// The fault run's own PostgreSQL and Redis (scripts/services.sh in a folder of its own, stock settings: PostgreSQL's
/// default max_connections, Redis without persistence), so pausing or restarting them never disturbs the suites that
/// run beside it on the shared servers.
/// </summary>
internal sealed class FaultServices : IDisposable
{
    private readonly string _directory;
    private readonly string _script;

    private FaultServices(string directory, string script, string postgres, string redis, int redisPort)
    {
        _directory = directory;
        _script = script;
        Postgres = postgres;
        Redis = redis;
        RedisPort = redisPort;
    }

    /// <summary>The <c>checkin</c> database, as README shows the connection string (no pool settings).</summary>
    public string Postgres { get; }

    public string Redis { get; }

    public int RedisPort { get; }

    public string PostgresLog => Path.Combine(_directory, "pg", "server.log");

    public static async Task<FaultServices> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "services.sh");
        var directory = Path.Combine(Path.GetTempPath(), $"checkin-faults-{Guid.NewGuid():N}");
        await Commands.RunAsync("bash", script, "start", directory);
        var environment = (await File.ReadAllLinesAsync(Path.Combine(directory, "env")))
            .Select(l => l.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('\''), StringComparer.Ordinal);
        var redis = environment["CHECKIN_TEST_REDIS"];
        var port = int.Parse(redis[(redis.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        return new FaultServices(directory, script, environment["CHECKIN_TEST_POSTGRES"], redis, port);
    }

    /// <summary>SIGSTOP to the postmaster and every backend: the database host freezes (a VM pause, a stalled disk).</summary>
    public async Task PausePostgresAsync() => await SignalPostgresAsync("STOP");

    public async Task ResumePostgresAsync() => await SignalPostgresAsync("CONT");

    /// <summary>
    /// Redis dies and comes back empty on the same port (no persistence, as README runs it): the membership table is
    /// gone; the silos must write themselves back rather than wedge (dotnet/orleans#7784).
    /// </summary>
    public async Task RestartRedisAsync(TimeSpan down)
    {
        await Commands.RunAsync("redis-cli", "-h", "127.0.0.1", "-p", RedisPort.ToString(CultureInfo.InvariantCulture), "shutdown", "nosave");
        await Task.Delay(down);
        await Commands.RunAsync("redis-server", "--port", RedisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--daemonize", "yes", "--save", "", "--appendonly", "no", "--dir", _directory,
            "--pidfile", Path.Combine(_directory, "redis.pid"), "--logfile", Path.Combine(_directory, "redis.log"));
        await Eventually.UntilAsync(
            async () => (await Commands.TryRunAsync("redis-cli", "-h", "127.0.0.1", "-p", RedisPort.ToString(CultureInfo.InvariantCulture), "ping")).Trim(),
            pong => pong == "PONG", TimeSpan.FromSeconds(10), "Redis to answer PING after its restart");
    }

    public void Dispose()
    {
        // A paused server cannot stop: wake it first.
        SignalPostgresAsync("CONT").GetAwaiter().GetResult();
        Commands.TryRunAsync("bash", _script, "stop", _directory).GetAwaiter().GetResult();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp; nothing listens on it any more.
        }
        catch (UnauthorizedAccessException)
        {
            // The server's files belong to the postgres user; /tmp is cleaned by the machine.
        }
    }

    /// <summary>The folder holding Orleans.CheckIn.sln, found upwards from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.CheckIn.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Orleans.CheckIn.sln above {AppContext.BaseDirectory}.");
    }

    private async Task SignalPostgresAsync(string signal)
    {
        var pidFile = Path.Combine(_directory, "pg", "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var postmaster = (await File.ReadAllLinesAsync(pidFile))[0].Trim();
        // The backends first when stopping (none starts a new query), the postmaster first when waking.
        var children = (await Commands.TryRunAsync("pgrep", "-P", postmaster)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] order = signal == "STOP" ? [.. children, postmaster] : [postmaster, .. children];
        await Commands.TryRunAsync("kill", [$"-{signal}", .. order]);
    }
}

/// <summary>Runs a command line tool and returns what it printed.</summary>
internal static class Commands
{
    public static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var (exit, output) = await ExecuteAsync(file, arguments);
        return exit == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {exit}: {output}");
    }

    /// <summary>The output, whatever the exit code (pgrep finding nothing exits 1).</summary>
    public static async Task<string> TryRunAsync(string file, params string[] arguments) => (await ExecuteAsync(file, arguments)).Output;

    private static async Task<(int Exit, string Output)> ExecuteAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
