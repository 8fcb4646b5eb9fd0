using System.Diagnostics;
using System.Globalization;
using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;

namespace CheckIn.Faults.Harness;

/// <summary>What happened to one fault: when it began (seconds from the workload's start) and how the cluster healed.</summary>
public sealed record FaultRecord(
    string Kind,
    int Host,
    double At,
    double DurationSeconds,
    double? KilledSeatsAnswerSeconds,
    double? ReadySeconds,
    double HealedSeconds);

/// <summary>
/// A fault run: its own PostgreSQL and Redis, three host processes forming one cluster, the workload through all three
/// HTTP endpoints while the seed's faults happen, then the checks (<see cref="FaultChecks"/>) and the report.
/// </summary>
internal sealed class FaultRun(FaultProfile profile, int seed, Action<string> log)
{
    private const int HostCount = 3;
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(60);

    private readonly HostProcess?[] _hosts = new HostProcess?[HostCount];
    private readonly HostSettings[] _settings = new HostSettings[HostCount];
    private readonly bool[] _up = new bool[HostCount];
    private readonly Random _hostPicker = new(seed);
    private readonly List<string> _hostLogs = [];
    private readonly List<string> _anomalies = [];
    private readonly List<string> _supervisorRestarts = [];

    public async Task<FaultReport> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        if (Directory.Exists(LogFolder))
        {
            Directory.Delete(LogFolder, recursive: true);
        }
        Directory.CreateDirectory(LogFolder);
        using var services = await FaultServices.StartAsync();
        _services = services;
        log($"services up in {clock.Elapsed.TotalSeconds:F1} s (PostgreSQL {services.Postgres}, Redis {services.Redis})");
        var first = HostSettings.For(services.Postgres, services.Redis) with
        {
            HoldDuration = profile.HoldDuration,
            Extra = HostExtras(),
        };
        _settings[0] = first;
        _settings[1] = first.Sibling();
        _settings[2] = first.Sibling();
        try
        {
            // The first host applies the schema; the others join once it is there.
            await StartHostAsync(0, "host-0");
            await Task.WhenAll(StartHostAsync(1, "host-1"), StartHostAsync(2, "host-2"));
            log($"cluster of {HostCount} ready after {clock.Elapsed.TotalSeconds:F1} s");

            using var calls = new CallRecorder([.. _settings.Select(s => s.BaseAddress)], TimeSpan.FromSeconds(15));
            var data = await Workload.SetUpAsync(calls);
            var workload = new Workload(calls, profile, seed);
            var plan = FaultPlan.For(profile, seed, HostCount);
            var start = DateTimeOffset.UtcNow;
            var end = start + profile.Workload;
            var running = workload.RunAsync(data, PickHost, end);
            var faults = await RunFaultsAsync(plan, start, calls, data);
            await running;
            log($"workload done: {calls.Calls.Count} calls");

            // Quiesce: every host up, every hold of the run past its expiry.
            await EveryHostReadyAsync();
            await Task.Delay(profile.HoldDuration + TimeSpan.FromSeconds(5));
            var checks = await FaultChecks.RunAsync(services.Postgres, data, workload, calls, profile.HoldDuration, log);
            return FaultReport.Create(profile, seed, calls.Calls, faults, checks with { Anomalies = [.. _anomalies, .. checks.Anomalies] }, _supervisorRestarts, clock.Elapsed);
        }
        finally
        {
            for (var i = 0; i < HostCount; i++)
            {
                StopHost(i, graceful: true);
            }
        }
    }

    /// <summary>The files holding each host process's output (artifacts/faults/hosts/).</summary>
    public IReadOnlyList<string> HostLogs => _hostLogs;

    /// <summary>artifacts/faults/hosts: emptied at the start of a run.</summary>
    public static string LogFolder { get; } = Path.Combine(FaultServices.RepositoryRoot(), "artifacts", "faults", "hosts");

    private static Dictionary<string, string?> HostExtras()
    {
        var extras = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // The workload cycles few passengers through many holds on purpose; the hold cooldown is tested elsewhere.
            ["CheckIn__RateLimiting__HoldCycles"] = "1000000",
        };
        foreach (var bag in Workload.HeavyBags)
        {
            extras[$"WeightService__Bags__{bag}"] = "28.5";
        }
        return extras;
    }

    private int PickHost()
    {
        lock (_hostPicker)
        {
            var up = Enumerable.Range(0, HostCount).Where(i => Volatile.Read(ref _up[i])).ToList();
            return up.Count == 0 ? _hostPicker.Next(HostCount) : up[_hostPicker.Next(up.Count)];
        }
    }

    /// <summary>
    /// Starts a host and waits until it is ready, as a supervisor (systemd, a container runtime) would: a process that
    /// exits before it is ready is started again, up to <see cref="SupervisorAttempts"/> times, and each such exit is
    /// reported (<c>supervisorRestarts</c>): a liveness cost, not a broken promise. Seconds until ready.
    /// </summary>
    private async Task<double> StartHostAsync(int index, string name)
    {
        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var host = HostProcess.Start(attempt == 1 ? name : $"{name} (supervisor {attempt})", _settings[index]);
            _hosts[index] = host;
            try
            {
                await host.WaitUntilReadyAsync(ReadyDeadline);
                Volatile.Write(ref _up[index], true);
                return started.Elapsed.TotalSeconds;
            }
            catch (InvalidOperationException) when (host.HasExited && attempt < SupervisorAttempts)
            {
                ReportExit(index, "before it was ready");
            }
        }
    }

    private const int SupervisorAttempts = 3;

    /// <summary>Reports a host that exited on its own (<c>supervisorRestarts</c>, with the reason it printed) and clears its slot.</summary>
    private void ReportExit(int index, string when)
    {
        var host = _hosts[index]!;
        var why = host.Output.Split('\n').LastOrDefault(l => l.Contains("FATAL EXCEPTION", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal))?.Trim()
            ?? "no reason printed";
        lock (_supervisorRestarts)
        {
            _supervisorRestarts.Add($"{host.Name} exited with {host.ExitCode} {when}: {(why.Length > 300 ? why[..300] : why)}");
        }
        log($"        {host.Name} exited with {host.ExitCode} {when}; starting it again");
        StopHost(index, graceful: false);
    }

    /// <summary>
    /// Waits until every host is ready. A host that exited on its own since (Orleans stops a silo the cluster declared
    /// dead: "I have been told I am dead", exit code 134) is started again, as its supervisor would, and reported in
    /// <c>supervisorRestarts</c>: a liveness cost, not a broken promise; what it acknowledged is checked all the same.
    /// </summary>
    private async Task EveryHostReadyAsync()
    {
        for (var i = 0; i < HostCount; i++)
        {
            if (_hosts[i] is { HasExited: true })
            {
                ReportExit(i, "while running");
                await StartHostAsync(i, $"host-{i} (supervisor restart {_supervisorRestarts.Count})");
            }
            await _hosts[i]!.WaitUntilReadyAsync(ReadyDeadline);
        }
    }

    private void StopHost(int index, bool graceful)
    {
        Volatile.Write(ref _up[index], false);
        if (_hosts[index] is not { } host)
        {
            return;
        }
        if (graceful && !host.HasExited)
        {
            host.Terminate();
            try
            {
                host.WaitForExitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                // Killed below.
            }
        }
        host.Dispose();
        // Each host's whole output, one file per process, beside the report.
        var file = Path.Combine(LogFolder, $"{host.Name.Replace(' ', '-').Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal)}.log");
        File.WriteAllText(file, $"http {host.Settings.HttpPort}, silo {host.Settings.SiloPort}, gateway {host.Settings.GatewayPort}{Environment.NewLine}{host.Output}");
        _hostLogs.Add(file);
        _hosts[index] = null;
    }

    private async Task<List<FaultRecord>> RunFaultsAsync(IReadOnlyList<ScheduledFault> plan, DateTimeOffset start, CallRecorder calls, WorkloadData data)
    {
        var records = new List<FaultRecord>();
        var restarts = 0;
        foreach (var fault in plan)
        {
            var wait = start + fault.At - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            var at = DateTimeOffset.UtcNow;
            var since = Stopwatch.StartNew();
            double? seatsAnswer = null;
            double? ready = null;
            log($"{(at - start).TotalSeconds,6:F1} s: {fault.Kind} host-{fault.Host} {fault.Duration.TotalSeconds:F0} s");
            switch (fault.Kind)
            {
                case FaultKind.KillRestartSameAddress:
                case FaultKind.KillRestartNewAddress:
                    var killed = fault.Host;
                    Volatile.Write(ref _up[killed], false);
                    _hosts[killed]!.KillHard();
                    seatsAnswer = await SeatsAnswerAsync(calls, data, killed, since);
                    StopHost(killed, graceful: false);
                    if (fault.Kind == FaultKind.KillRestartNewAddress)
                    {
                        _settings[killed] = _settings[killed] with { SiloPort = FreePorts.Next(), GatewayPort = FreePorts.Next() };
                    }
                    ready = await StartHostAsync(killed, $"host-{killed} (restart {++restarts})");
                    break;
                case FaultKind.TerminateRestart:
                    StopHost(fault.Host, graceful: true);
                    ready = await StartHostAsync(fault.Host, $"host-{fault.Host} (restart {++restarts})");
                    break;
                case FaultKind.PausePostgres:
                    await Services.PausePostgresAsync();
                    await Task.Delay(fault.Duration);
                    await Services.ResumePostgresAsync();
                    break;
                case FaultKind.RestartRedis:
                    await Services.RestartRedisAsync(fault.Duration);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown fault {fault.Kind}.");
            }
            // Healed: every host ready again, every hot seat answering.
            await EveryHostReadyAsync();
            await SeatsAnswerAsync(calls, data, null, Stopwatch.StartNew());
            records.Add(new FaultRecord(fault.Kind.ToString(), fault.Host, Math.Round((at - start).TotalSeconds, 2), fault.Duration.TotalSeconds,
                seatsAnswer is { } s ? Math.Round(s, 2) : null, ready is { } r ? Math.Round(r, 2) : null, Math.Round(since.Elapsed.TotalSeconds, 2)));
            log($"        healed after {since.Elapsed.TotalSeconds:F1} s (seats answered {seatsAnswer:F1} s, ready {ready:F1} s)");
        }
        return records;
    }

    private FaultServices Services => _services ?? throw new InvalidOperationException("The services are not started.");

    private FaultServices? _services;

    /// <summary>
    /// Until every seat of the hot flight answers a command through the hosts that are up: a release by a passenger
    /// who never holds anything, which only the seat's grain can refuse (NOT_HOLDER). Seconds from <paramref name="since"/>.
    /// </summary>
    private async Task<double?> SeatsAnswerAsync(CallRecorder calls, WorkloadData data, int? down, Stopwatch since)
    {
        var pending = new HashSet<string>(data.AllHotSeats, StringComparer.Ordinal);
        var survivors = Enumerable.Range(0, HostCount).Where(i => i != down).ToList();
        var round = 0;
        while (pending.Count > 0)
        {
            if (since.Elapsed > ProbeDeadline)
            {
                lock (_anomalies)
                {
                    _anomalies.Add($"seats {string.Join(", ", pending)} did not answer within {ProbeDeadline.TotalSeconds} s{(down is { } d ? $" of host-{d}'s kill -9" : " of the cluster healing")}");
                }
                return null;
            }
            var answers = await Task.WhenAll(pending.Select((seat, i) => calls.PostAsync("probe", "probe-release", survivors[(i + round) % survivors.Count],
                $"/api/flights/{data.HotFlight}/seats/{seat}/release", new { passengerId = data.ProbePassenger }, data.Tokens[data.ProbePassenger])
                .ContinueWith(t => (seat, t.Result), TaskScheduler.Default)));
            foreach (var (seat, call) in answers)
            {
                if (call.Outcome == CallOutcome.Refused && call.Code == SeatCodes.NotHolder)
                {
                    pending.Remove(seat);
                }
            }
            round++;
            if (pending.Count > 0)
            {
                await Task.Delay(100);
            }
        }
        return since.Elapsed.TotalSeconds;
    }
}
