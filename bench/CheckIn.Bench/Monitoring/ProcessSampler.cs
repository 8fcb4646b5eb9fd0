using System.Diagnostics;
using System.Globalization;

namespace CheckIn.Bench.Monitoring;

/// <summary>One 500 ms sample: CPU in % of one core over the interval, RSS in MB.</summary>
internal readonly record struct ResourceSample(double Seconds, double HostCpu, double HostRssMb, double BenchCpu, double MachineCpu, double LoadGeneratorCpu);

/// <summary>
/// Samples the host's CPU and RSS (from /proc/&lt;pid&gt;/stat and /proc/&lt;pid&gt;/status), the bench's own CPU and
/// the whole machine's CPU every 500 ms. CPU is in % of one core (200 % = both cores of a 2-core machine). The host
/// may change during a run (a restart): each sample reads whichever host runs then, and an interval in which the pid
/// changed reports that host's CPU as 0 rather than a difference between two processes. The same holds for an
/// external load generator (wrk) while one runs.
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly Func<int?> _hostPid;
    private int _loadGeneratorPid;
    private readonly List<ResourceSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    public ProcessSampler(Func<int?> hostPid)
    {
        _hostPid = hostPid;
        _loop = Task.Run(LoopAsync);
    }

    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>The pid of an external load generator (wrk) while it runs, null otherwise.</summary>
    public int? LoadGeneratorPid
    {
        get => Volatile.Read(ref _loadGeneratorPid) is var pid and > 0 ? pid : null;
        set => Volatile.Write(ref _loadGeneratorPid, value ?? 0);
    }

    public ResourceSample? Latest
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? null : _samples[^1];
            }
        }
    }

    public IReadOnlyList<ResourceSample> Between(double from, double to)
    {
        lock (_samples)
        {
            return [.. _samples.Where(s => s.Seconds >= from && s.Seconds <= to)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var host = ReadCpuTicks(_hostPid());
        var load = ReadCpuTicks(LoadGeneratorPid);
        var self = ReadCpuTicks(Environment.ProcessId);
        var machine = ReadMachineTicks();
        var last = _clock.Elapsed.TotalSeconds;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            var now = _clock.Elapsed.TotalSeconds;
            var elapsed = Math.Max(now - last, 0.001);
            var hostPid = _hostPid();
            var hostNow = ReadCpuTicks(hostPid);
            var loadNow = ReadCpuTicks(LoadGeneratorPid);
            var selfNow = ReadCpuTicks(Environment.ProcessId);
            var machineNow = ReadMachineTicks();
            var sample = new ResourceSample(
                now,
                Percent(host, hostNow, elapsed),
                ReadRssMb(hostPid),
                Percent(self, selfNow, elapsed),
                machine is { } m && machineNow is { } mn && mn.Total > m.Total
                    ? (double)(mn.Busy - m.Busy) / (mn.Total - m.Total) * 100 * Environment.ProcessorCount
                    : 0,
                Percent(load, loadNow, elapsed));
            lock (_samples)
            {
                _samples.Add(sample);
            }
            (host, load, self, machine, last) = (hostNow, loadNow, selfNow, machineNow, now);
        }
    }

    private static double Percent((int Pid, long Ticks)? before, (int Pid, long Ticks)? after, double elapsedSeconds) =>
        before is { } b && after is { } a && a.Pid == b.Pid ? (a.Ticks - b.Ticks) / TicksPerSecond / elapsedSeconds * 100 : 0;

    /// <summary>utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/pid/stat).</summary>
    private static (int Pid, long Ticks)? ReadCpuTicks(int? pid)
    {
        if (pid is null)
        {
            return null;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (pid.Value, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double ReadRssMb(int? pid)
    {
        if (pid is null)
        {
            return 0;
        }
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024.0;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }

    private static (long Busy, long Total)? ReadMachineTicks()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var idle = cpu[3] + (cpu.Length > 4 ? cpu[4] : 0);
            var total = cpu.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>Average and maximum of a series, and its trend: the average of the first third vs the last third.</summary>
internal sealed record SeriesSummary(double Average, double Max, double FirstThird, double LastThird)
{
    public static SeriesSummary Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return new SeriesSummary(0, 0, 0, 0);
        }
        var third = Math.Max(1, values.Count / 3);
        return new SeriesSummary(values.Average(), values.Max(), values.Take(third).Average(), values.TakeLast(third).Average());
    }
}
