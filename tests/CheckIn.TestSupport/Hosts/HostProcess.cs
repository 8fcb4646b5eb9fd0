using System.Diagnostics;
using System.Net;
using System.Text;

namespace CheckIn.TestSupport.Hosts;

/// <summary>
/// One real CheckIn.Host process (<c>dotnet CheckIn.Host.dll</c> from the test output folder, where the project
/// reference puts it), configured only through its environment, with its output kept for the test log.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan GracefulStopDeadline = TimeSpan.FromSeconds(10);

    // Settings the test runner's own environment might carry; a host sees only what its test gives it.
    private static readonly string[] InheritedSettingPrefixes = ["ConnectionStrings__", "CheckIn__", "Orleans__", "Logging__", "WeightService__", "PaymentSimulator__"];
    private static readonly string[] InheritedSettingNames = ["urls", "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errorOutput = new();
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private readonly HostSettings? _settings;
    private bool _terminated;

    private HostProcess(string name, HostSettings? settings, Uri baseAddress, IReadOnlyDictionary<string, string?> environment)
    {
        Name = name;
        _settings = settings;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CheckIn.Host.dll"));
        foreach (var key in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            if (value is not null)
            {
                start.Environment[key] = value;
            }
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data is not null)
            {
                lock (_errorOutput)
                {
                    _errorOutput.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Api = new CheckInApi(Http, settings is null ? CheckInApi.DevAdminKey : HostSettings.TestAdminKey);
    }

    public string Name { get; }

    /// <summary>What the host was started with; only for a host started from <see cref="HostSettings"/>.</summary>
    public HostSettings Settings => _settings ?? throw new InvalidOperationException($"{Name} was started on its defaults, not from HostSettings.");

    public HttpClient Http { get; }

    public CheckInApi Api { get; }

    /// <summary>When <c>GET /health/ready</c> first answered 200.</summary>
    public DateTimeOffset? ReadyAt { get; private set; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the process wrote to stderr alone, without timestamps.</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_errorOutput)
            {
                return _errorOutput.ToString();
            }
        }
    }

    public static HostProcess Start(string name, HostSettings settings) =>
        new(name, settings, settings.BaseAddress, settings.ToEnvironment());

    /// <summary>
    /// A host on its defaults but for <paramref name="environment"/> (embedded mode unless it names a database),
    /// listening on <paramref name="baseAddress"/>: what <c>dotnet run --project src/CheckIn.Host</c> starts with
    /// those variables set. Its <see cref="Api"/> uses the default admin key.
    /// </summary>
    public static HostProcess Start(string name, Uri baseAddress, IReadOnlyDictionary<string, string?> environment) =>
        new(name, null, baseAddress, new Dictionary<string, string?>(environment) { ["urls"] = baseAddress.ToString().TrimEnd('/') });

    /// <summary>SIGTERM, as a container runtime or systemd stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        _terminated = true;
        Append("[test] sent SIGTERM");
    }

    /// <summary>When the process was started.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Polls <c>GET /health/ready</c> until 200; fails early, with the output, if the process exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? deadline = null)
    {
        var waited = Stopwatch.StartNew();
        var last = "no answer yet";
        var readyDeadline = deadline ?? ReadyDeadline;
        while (waited.Elapsed < readyDeadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready.{Environment.NewLine}{Output}");
            }
            try
            {
                using var probe = new CancellationTokenSource(ProbeTimeout);
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative), probe.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ReadyAt = DateTimeOffset.UtcNow;
                    Append($"[test] ready after {_sinceStart.Elapsed.TotalSeconds:F2} s");
                    return;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // Not listening yet, or busy starting: ask again.
                last = ex.Message;
            }
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"{Name} was not ready within {readyDeadline.TotalSeconds} s (last answer: {last}).{Environment.NewLine}{Output}");
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} was still running after {deadline.TotalSeconds} s.{Environment.NewLine}{Output}");
        }
        _process.WaitForExit(); // lets the output handlers finish
        return _process.ExitCode;
    }

    /// <summary><c>kill -9</c> of the whole process tree: no shutdown hooks, no flushing, no goodbye to the cluster.</summary>
    public void KillHard()
    {
        if (_process.HasExited)
        {
            return;
        }
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended by itself in between.
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            throw new InvalidOperationException($"{Name} did not die within 15 s of SIGKILL.");
        }
        _process.WaitForExit();
        Append($"[test] killed after {_sinceStart.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>
    /// Ends the host as a service manager would: SIGTERM, up to 10 s for a normal exit (which is also when an
    /// instrumented build writes its coverage hits), then <c>kill -9</c> if it hangs.
    /// </summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            if (!_terminated)
            {
                Terminate();
            }
            if (!_process.WaitForExit(GracefulStopDeadline))
            {
                Append($"[test] still running {GracefulStopDeadline.TotalSeconds} s after SIGTERM");
            }
        }
        KillHard();
        Http.Dispose();
        _process.Dispose();
    }

    private static bool IsInheritedSetting(string key) =>
        InheritedSettingPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
        || InheritedSettingNames.Any(n => string.Equals(key, n, StringComparison.OrdinalIgnoreCase));

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Append(FormattableString.Invariant($"{_sinceStart.Elapsed.TotalSeconds,7:F2} ")).AppendLine(line);
        }
    }
}
