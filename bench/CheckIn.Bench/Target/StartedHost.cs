using System.Diagnostics;
using System.Net;

namespace CheckIn.Bench.Target;

/// <summary>
/// A CheckIn.Host process the bench started (<c>dotnet CheckIn.Host.dll</c> from the Host's build output), configured
/// only through its environment; its output goes to a log file so that it never competes with the progress line.
/// </summary>
internal sealed class StartedHost : IAsyncDisposable
{
    private static readonly string[] InheritedSettingPrefixes = ["ConnectionStrings__", "CheckIn__", "Orleans__", "Logging__", "RateLimiting__"];
    private static readonly string[] InheritedSettingNames = ["urls", "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    private readonly Process _process;
    private readonly StreamWriter _log;

    private StartedHost(Process process, StreamWriter log, Uri baseAddress, string logPath)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogPath = logPath;
    }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    /// <param name="cpus">
    /// A CPU list (<c>0</c>, <c>0,1</c>): the host runs under <c>taskset -c</c> it, which execs dotnet (same pid), so
    /// the runtime sizes its thread pool and GC for those cores only. Null: not pinned.
    /// </param>
    public static StartedHost Start(string hostDirectory, IReadOnlyDictionary<string, string> environment, Uri baseAddress, string logPath, string? cpus = null)
    {
        var dll = Path.Combine(hostDirectory, "CheckIn.Host.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(cpus is null ? dotnet : "taskset")
        {
            WorkingDirectory = hostDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add(dotnet);
        }
        start.ArgumentList.Add(dll);
        foreach (var key in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new StartedHost(process, log, baseAddress, logPath);
    }

    /// <summary>Polls <c>/health/ready</c> until 200; fails with the log's tail if the process exits first.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        var last = "no answer yet";
        while (waited.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new Api.BenchException($"The host exited with code {_process.ExitCode} before it was ready. Its log ({LogPath}) ends with:{Environment.NewLine}{Tail()}");
            }
            try
            {
                using var response = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = $"{(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex.Message;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new Api.BenchException($"The host was not ready within {deadline.TotalSeconds} s (last answer: {last}). Log: {LogPath}{Environment.NewLine}{Tail()}");
    }

    /// <summary><c>kill -9</c>: no shutdown, no goodbye (a crash).</summary>
    public void KillHard()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(15_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>SIGTERM (graceful shutdown), then SIGKILL if it is still there after 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                if (term is not null)
                {
                    await term.WaitForExitAsync();
                }
            }
            using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(graceful.Token);
            }
            catch (OperationCanceledException)
            {
                KillHard();
            }
        }
        _process.WaitForExit();
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private string Tail()
    {
        lock (_log)
        {
            _log.Flush();
        }
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(40));
        }
        catch (IOException)
        {
            return "(log unreadable)";
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines after shutdown.
            }
        }
    }

    private static bool IsInheritedSetting(string key) =>
        InheritedSettingPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
        || InheritedSettingNames.Any(n => string.Equals(key, n, StringComparison.OrdinalIgnoreCase));
}
