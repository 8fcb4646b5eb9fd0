using System.Diagnostics;
using System.Globalization;

namespace CheckIn.Bench.Monitoring;

/// <summary>
/// The progress line: on a terminal one line rewritten with \r four times a second, otherwise one line per second.
/// Shows the phase, its elapsed time, requests/s and errors since the last line, and the host's CPU and RSS.
/// </summary>
internal sealed class ProgressLine : IAsyncDisposable
{
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly ProcessSampler _sampler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private string _phase = "starting";
    private Func<string>? _detail;
    private Func<(long Requests, long Errors)>? _counters;
    private Stopwatch _phaseClock = Stopwatch.StartNew();
    private int _lastLength;

    public ProgressLine(TextWriter output, bool interactive, ProcessSampler sampler)
    {
        _output = output;
        _interactive = interactive;
        _sampler = sampler;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Starts a phase; <paramref name="counters"/> gives total requests and errors so far.</summary>
    public void Phase(string name, Func<(long Requests, long Errors)>? counters = null, Func<string>? detail = null)
    {
        lock (_gate)
        {
            _phase = name;
            _counters = counters;
            _detail = detail;
            _phaseClock = Stopwatch.StartNew();
        }
    }

    /// <summary>A whole line of its own (the progress line is redrawn after it).</summary>
    public void Log(string line)
    {
        lock (_gate)
        {
            ClearLine();
            _output.WriteLine(line);
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
        lock (_gate)
        {
            ClearLine();
        }
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var period = _interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(period);
        (long Requests, long Errors) last = (0, 0);
        var lastCounters = _counters;
        var clock = Stopwatch.StartNew();
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            string line;
            lock (_gate)
            {
                var now = _counters?.Invoke() ?? (0, 0);
                if (!ReferenceEquals(lastCounters, _counters))
                {
                    last = (0, 0);
                    lastCounters = _counters;
                }
                var seconds = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var rate = seconds > 0 ? (now.Requests - last.Requests) / seconds : 0;
                var errors = now.Errors - last.Errors;
                last = now;
                var host = _sampler.Latest;
                line = string.Create(CultureInfo.InvariantCulture,
                    $"[{_phase}] {_phaseClock.Elapsed.TotalSeconds,6:F1} s");
                if (_counters is not null)
                {
                    line += string.Create(CultureInfo.InvariantCulture, $" | {rate,8:F0} req/s | {now.Requests,9} done | {now.Errors} errors");
                    if (errors > 0)
                    {
                        line += $" (+{errors})";
                    }
                }
                if (_detail?.Invoke() is { Length: > 0 } detail)
                {
                    line += " | " + detail;
                }
                if (host is { } h && h.HostRssMb > 0)
                {
                    line += string.Create(CultureInfo.InvariantCulture, $" | host cpu {h.HostCpu,4:F0}% rss {h.HostRssMb:F0} MB | bench cpu {h.BenchCpu:F0}%");
                    if (h.LoadGeneratorCpu > 0)
                    {
                        line += string.Create(CultureInfo.InvariantCulture, $" | wrk cpu {h.LoadGeneratorCpu:F0}%");
                    }
                }
                if (_interactive)
                {
                    var padded = line.PadRight(_lastLength);
                    _output.Write("\r" + padded);
                    _output.Flush();
                    _lastLength = line.Length;
                }
                else
                {
                    _output.WriteLine(line);
                }
            }
        }
    }

    private void ClearLine()
    {
        if (_interactive && _lastLength > 0)
        {
            _output.Write("\r" + new string(' ', _lastLength) + "\r");
            _lastLength = 0;
        }
    }
}
