using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CheckIn.Bench.Api;
using Npgsql;

namespace CheckIn.Bench.Target;

/// <summary>
/// The host under test: one the bench started (embedded or durable, with its own PostgreSQL database and, unless
/// given, its own PostgreSQL and Redis), or a running one at <c>--url</c> (external).
/// </summary>
internal sealed class BenchTarget : IAsyncDisposable
{
    private readonly BenchOptions _options;
    private readonly TextWriter _log;
    private readonly string _workDirectory;
    private StartedHost? _host;
    private readonly List<StartedHost> _otherHosts = [];
    private Services? _services;
    private string? _serverConnectionString;
    private readonly List<string> _databases = [];
    private Dictionary<string, string>? _environment;
    private int _starts;

    private BenchTarget(BenchOptions options, TextWriter log, string workDirectory, Uri baseAddress, string adminKey, string mode)
    {
        _options = options;
        _log = log;
        _workDirectory = workDirectory;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
        Mode = mode;
        HostPid = options.HostPid;
    }

    public Uri BaseAddress { get; private set; }

    public string AdminKey { get; }

    /// <summary>embedded, durable or external.</summary>
    public string Mode { get; }

    public int? HostPid { get; private set; }

    /// <summary>The durable host's database (for pgbench's server and checks); null otherwise.</summary>
    public string? PostgresConnectionString { get; private set; }

    /// <summary>The build the started host came from, or null for an external host.</summary>
    public HostBuildInfo? HostBuild { get; private set; }

    public string? HostLogPath => _host?.LogPath;

    public bool CanRestart => _host is not null && Mode == "durable";

    /// <summary>The abuse-protection mode of the running host (off or on); null for an external host.</summary>
    public string? RateLimits { get; private set; }

    /// <summary>Whether the running host records metrics and traces (off or on); null for an external host.</summary>
    public string? Telemetry { get; private set; }

    /// <summary>
    /// The running host's settings that shape what is measured (rate limits, trusted proxies, hold duration,
    /// logging, inherited GC settings), for the results; no secrets, ports or connection strings. Null for an external host.
    /// </summary>
    public IReadOnlyDictionary<string, string>? HostSettings => _environment is null
        ? null
        : new SortedDictionary<string, string>(
            _environment.Where(e => ReportedSettings.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal))).Concat(InheritedGcSettings()).ToDictionary(),
            StringComparer.Ordinal);

    /// <summary>.NET GC settings (<c>DOTNET_GC*</c>, e.g. <c>DOTNET_gcServer=0</c>) a started host inherits from the bench's environment.</summary>
    private static IEnumerable<KeyValuePair<string, string>> InheritedGcSettings() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Key is string key && key.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase))
            .Select(e => KeyValuePair.Create((string)e.Key, e.Value as string ?? ""));

    private static readonly string[] ReportedSettings =
        ["CheckIn__RateLimiting__", "CheckIn__TrustedProxies__", "CheckIn__Telemetry__", "CheckIn__HoldDuration", "CheckIn__Simulators__", "Logging__"];

    /// <summary>Keep the temporary folder (host logs, PostgreSQL data) after the run, e.g. because it failed.</summary>
    public bool KeepWorkDirectory { get; set; }

    public static async Task<BenchTarget> CreateAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("checkin-bench-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as its own user and must reach its data folder below this one.
            File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        if (options.StartHost is null)
        {
            var url = options.Url ?? throw new BenchException("Give --url <host> (a running host) or --start-host embedded|durable.");
            return new BenchTarget(options, log, work, url, options.AdminKey ?? "dev-admin-key", "external");
        }

        var adminKey = options.AdminKey ?? $"bench-{RandomNumberGenerator.GetHexString(16)}";
        var target = new BenchTarget(options, log, work, new Uri("http://127.0.0.1"), adminKey, options.StartHost);
        try
        {
            await target.StartAsync(cancellationToken);
            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the host (<c>kill -9</c>) and starts a new one on the same database, in a new cluster.</summary>
    public async Task RestartAfterCrashAsync(CancellationToken cancellationToken)
    {
        _host?.KillHard();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _host = null;
        await LaunchAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the host gracefully and starts a new one with the given abuse-protection and telemetry modes (a new
    /// cluster; embedded state is gone, a durable host keeps its database).
    /// </summary>
    public async Task RestartWithAsync(string rateLimits, string telemetry, CancellationToken cancellationToken)
    {
        if (_host is null || _environment is null)
        {
            throw new BenchException("Only a host the bench started can be restarted with other settings.");
        }
        await _host.DisposeAsync();
        _host = null;
        ApplyRateLimits(rateLimits);
        ApplyTelemetry(telemetry);
        await LaunchAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostsAsync();
        foreach (var database in _services is null && !_options.KeepDatabase ? _databases : [])
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(_serverConnectionString!, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", CancellationToken.None);
            }
            catch (NpgsqlException ex)
            {
                _log.WriteLine($"could not drop database {database}: {ex.Message}");
            }
        }
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (KeepWorkDirectory)
        {
            _log.WriteLine($"kept {_workDirectory} (host logs)");
            return;
        }
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var hostDirectory = BuildInfo.HostDirectory(_options.HostDir);
        HostBuild = new HostBuildInfo(
            hostDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug",
            File.GetLastWriteTimeUtc(Path.Combine(hostDirectory, "CheckIn.Host.dll")));
        var serviceId = $"bench-{RandomNumberGenerator.GetHexString(8).ToLowerInvariant()}";
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CheckIn__AdminKey"] = AdminKey,
            ["CheckIn__TokenSigningKey"] = RandomNumberGenerator.GetHexString(48),
            ["CheckIn__Payments__WebhookSecret"] = RandomNumberGenerator.GetHexString(48),
            ["Orleans__ServiceId"] = serviceId,
            // Logging at Warning: per-request logging would distort the figures.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        if (_options.HoldDuration is { } hold)
        {
            _environment["CheckIn__HoldDuration"] = hold.ToString("c", CultureInfo.InvariantCulture);
        }
        ApplyRateLimits(RateLimitSettings.Sequence(_options.RateLimits)?[0] ?? RateLimitSettings.Off);
        ApplyTelemetry(TelemetrySettings.Sequence(_options.Telemetry)?[0] ?? TelemetrySettings.On);
        if (Mode == "durable")
        {
            var postgres = _options.Postgres;
            var redis = _options.Redis;
            if (postgres is null || redis is null)
            {
                _services = await Services.StartAsync(Path.Combine(_workDirectory, "services"), _log, cancellationToken);
                postgres ??= _services.Postgres;
                redis ??= _services.Redis;
            }
            _serverConnectionString = postgres;
            await UseFreshDatabaseAsync(cancellationToken);
            _environment["ConnectionStrings__Redis"] = redis;
            // The journey scenario weighs bags and pays through the host's in-process simulators (opt-in when durable).
            _environment["CheckIn__Simulators__Enabled"] = "true";
        }
        else if (Mode != "embedded")
        {
            throw new BenchException($"--start-host must be embedded or durable, not {Mode}.");
        }
        _environment["hostDirectory"] = hostDirectory;
        await LaunchAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the running host(s) and starts one host per entry of <paramref name="cpus"/>, all members of one new
    /// cluster (same cluster id, PostgreSQL and Redis; their own silo, gateway and HTTP ports), each under
    /// <c>taskset -c</c> its CPU list when that is not null. A durable target first moves to a fresh database when
    /// <paramref name="freshDatabase"/>. The first host is <see cref="BaseAddress"/> and <see cref="HostPid"/>.
    /// </summary>
    public async Task<IReadOnlyList<StartedHost>> StartClusterAsync(IReadOnlyList<string?> cpus, bool freshDatabase, CancellationToken cancellationToken)
    {
        if (_environment is null || cpus.Count == 0)
        {
            throw new BenchException("Only a host the bench started can be restarted as a cluster.");
        }
        await StopHostsAsync();
        if (freshDatabase && Mode == "durable")
        {
            await UseFreshDatabaseAsync(cancellationToken);
        }
        var clusterId = NextClusterId();
        await LaunchAsync(clusterId, cpus[0], cancellationToken);
        foreach (var cpu in cpus.Skip(1))
        {
            // Started one after the other: each joins the members already there.
            var host = Launch(clusterId, cpu, out _);
            _otherHosts.Add(host);
            await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(120), cancellationToken);
        }
        return [_host!, .. _otherHosts];
    }

    private async Task StopHostsAsync()
    {
        foreach (var host in _otherHosts)
        {
            await host.DisposeAsync();
        }
        _otherHosts.Clear();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _host = null;
    }

    /// <summary>A new database on the PostgreSQL server (the host creates its schema at start).</summary>
    private async Task UseFreshDatabaseAsync(CancellationToken cancellationToken)
    {
        var database = $"checkin_bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{RandomNumberGenerator.GetHexString(4).ToLowerInvariant()}";
        await ExecuteAsync(_serverConnectionString!, $"CREATE DATABASE \"{database}\"", cancellationToken);
        _databases.Add(database);
        PostgresConnectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = database }.ConnectionString;
        _environment!["ConnectionStrings__Postgres"] = PostgresConnectionString;
    }

    private void ApplyRateLimits(string mode)
    {
        foreach (var key in RateLimitSettings.AllKeys)
        {
            _environment!.Remove(key);
        }
        foreach (var (key, value) in RateLimitSettings.For(mode))
        {
            _environment![key] = value;
        }
        RateLimits = mode;
    }

    private void ApplyTelemetry(string mode)
    {
        foreach (var key in TelemetrySettings.AllKeys)
        {
            _environment!.Remove(key);
        }
        foreach (var (key, value) in TelemetrySettings.For(mode))
        {
            _environment![key] = value;
        }
        Telemetry = mode;
    }

    // A new cluster per start: a restarted host never waits for its dead predecessor to be voted out.
    private Task LaunchAsync(CancellationToken cancellationToken) => LaunchAsync(NextClusterId(), null, cancellationToken);

    private async Task LaunchAsync(string clusterId, string? cpus, CancellationToken cancellationToken)
    {
        _host = Launch(clusterId, cpus, out var baseAddress);
        BaseAddress = baseAddress;
        HostPid = _host.Pid;
        await _host.WaitUntilReadyAsync(TimeSpan.FromSeconds(120), cancellationToken);
    }

    private string NextClusterId() => $"{_environment!["Orleans__ServiceId"]}-{++_starts}";

    private StartedHost Launch(string clusterId, string? cpus, out Uri baseAddress)
    {
        var environment = new Dictionary<string, string>(_environment!, StringComparer.Ordinal);
        var hostDirectory = environment["hostDirectory"];
        environment.Remove("hostDirectory");
        var httpPort = FreePort();
        environment["urls"] = $"http://127.0.0.1:{httpPort}";
        environment["Orleans__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        environment["Orleans__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        environment["Orleans__ClusterId"] = clusterId;
        baseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        var logPath = Path.Combine(_workDirectory, $"host-{_starts}-{httpPort}.log");
        _log.WriteLine($"starting the {Mode} host ({HostBuild?.Configuration} build of {HostBuild?.BuiltAt:u}) on {baseAddress}"
            + $"{(cpus is null ? "" : $" pinned to CPU {cpus}")} (log: {logPath})");
        var host = StartedHost.Start(hostDirectory, environment, baseAddress, logPath, cpus);
        _log.WriteLine($"host pid {host.Pid}");
        return host;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Which build of the Host a started host runs: configuration and when CheckIn.Host.dll was written.</summary>
internal sealed record HostBuildInfo(string Configuration, DateTime BuiltAt);
