using System.Diagnostics;
using System.Globalization;

namespace CheckIn.Bench.Monitoring;

/// <summary>One 500 ms sample: CPU in % of one core over the interval, RSS in MB.</summary>
internal readonly record struct ResourceSample(double Seconds, double HostCpu, double HostRssMb, double BenchCpu, double MachineCpu);

/// <summary>
/// Samples the host's CPU and RSS (from /proc/&lt;pid&gt;/stat and /proc/&lt;pid&gt;/status), the bench's own CPU and
/// the whole machine's CPU every 500 ms. CPU is in % of one core (200 % = both cores of a 2-core machine).
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly int? _hostPid;
    private readonly List<ResourceSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    public ProcessSampler(int? hostPid)
    {
        _hostPid = hostPid;
        _loop = Task.Run(LoopAsync);
    }

    public double Now => _clock.Elapsed.TotalSeconds;

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
        var host = ReadCpuTicks(_hostPid);
        var self = ReadCpuTicks(Environment.ProcessId);
        var machine = ReadMachineTicks();
        var last = _clock.Elapsed.TotalSeconds;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            var now = _clock.Elapsed.TotalSeconds;
            var elapsed = Math.Max(now - last, 0.001);
            var hostNow = ReadCpuTicks(_hostPid);
            var selfNow = ReadCpuTicks(Environment.ProcessId);
            var machineNow = ReadMachineTicks();
            var sample = new ResourceSample(
                now,
                host is { } h && hostNow is { } hn ? (hn - h) / TicksPerSecond / elapsed * 100 : 0,
                ReadRssMb(_hostPid),
                self is { } s && selfNow is { } sn ? (sn - s) / TicksPerSecond / elapsed * 100 : 0,
                machine is { } m && machineNow is { } mn && mn.Total > m.Total
                    ? (double)(mn.Busy - m.Busy) / (mn.Total - m.Total) * 100 * Environment.ProcessorCount
                    : 0);
            lock (_samples)
            {
                _samples.Add(sample);
            }
            (host, self, machine, last) = (hostNow, selfNow, machineNow, now);
        }
    }

    /// <summary>utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/pid/stat).</summary>
    private static long? ReadCpuTicks(int? pid)
    {
        if (pid is null)
        {
            return null;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
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
