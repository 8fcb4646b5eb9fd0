using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>The README's curl walk-through: the <c>```bash</c> blocks marked <c>&lt;!-- walkthrough --&gt;</c>, in order.</summary>
public static partial class ReadmeWalkthrough
{
    /// <summary>The address every block talks to; the only text a test replaces.</summary>
    public const string BaseAddress = "localhost:5080";

    public static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.CheckIn.sln")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }
        throw new InvalidOperationException($"No Orleans.CheckIn.sln above {AppContext.BaseDirectory}.");
    }

    public static IReadOnlyList<string> Blocks(string readme) =>
        [.. MarkedBlock().Matches(readme.ReplaceLineEndings("\n")).Select(m => m.Groups["body"].Value)];

    [GeneratedRegex(@"<!-- walkthrough -->\n```bash\n(?<body>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();
}

/// <summary>One bash script run to its end (or killed with its children at the deadline), with its output.</summary>
public sealed record BashRun(int ExitCode, string Output, string Errors)
{
    public static async Task<BashRun> RunAsync(string script, string workingDirectory, TimeSpan deadline)
    {
        var path = Path.Combine(workingDirectory, "walkthrough.sh");
        await File.WriteAllTextAsync(path, script);
        var start = new ProcessStartInfo("bash", [path])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new BashRun(-1, await output, await errors + $"{Environment.NewLine}[test] killed after {deadline.TotalSeconds} s");
        }
        return new BashRun(process.ExitCode, await output, await errors);
    }
}

/// <summary>
/// <c>dotnet CheckIn.Host.dll</c> from this test's output folder (where the project reference puts it): what
/// <c>dotnet run --project src/CheckIn.Host</c> starts, in embedded mode, on free ports of its own.
/// </summary>
public sealed class EmbeddedHostProcess : IDisposable
{
    private static readonly string[] InheritedSettingPrefixes = ["ConnectionStrings__", "CheckIn__", "Orleans__", "Logging__", "WeightService__", "PaymentSimulator__"];
    private static readonly string[] InheritedSettingNames = ["urls", "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EmbeddedHostProcess()
    {
        var ports = FreePorts(3);
        Authority = $"127.0.0.1:{ports[0]}";
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CheckIn.Host.dll"));
        foreach (var key in start.Environment.Keys.Where(IsInherited).ToList())
        {
            start.Environment.Remove(key);
        }
        var clusterId = $"readme-{Guid.NewGuid():N}";
        start.Environment["urls"] = $"http://{Authority}";
        start.Environment["Orleans__SiloPort"] = ports[1].ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = ports[2].ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__ClusterId"] = clusterId;
        start.Environment["Orleans__ServiceId"] = clusterId;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://{Authority}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>127.0.0.1:port</c>, what replaces <see cref="ReadmeWalkthrough.BaseAddress"/>.</summary>
    public string Authority { get; }

    public HttpClient Http { get; }

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

    public static EmbeddedHostProcess Start() => new();

    /// <summary>Polls <c>GET /health/ready</c> until 200 (the demo data is seeded before the host reports ready).</summary>
    public Task WaitUntilReadyAsync(TimeSpan deadline) =>
        HttpReadiness.UntilOkAsync(Http, "/health/ready",
            () => _process.HasExited ? $"The host exited with {_process.ExitCode} before it was ready." : null, () => Output, deadline, "the host to be ready");

    /// <summary>SIGTERM and up to 10 s for a normal exit (when coverage hits are written), then <c>kill -9</c>.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(15));
            }
        }
        Http.Dispose();
        _process.Dispose();
    }

    private static bool IsInherited(string key) =>
        InheritedSettingPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
        || InheritedSettingNames.Any(n => string.Equals(key, n, StringComparison.OrdinalIgnoreCase));

    private static int[] FreePorts(int count)
    {
        // All listeners open at once, so the ports differ.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
