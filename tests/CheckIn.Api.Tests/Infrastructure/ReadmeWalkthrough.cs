using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CheckIn.TestSupport.Hosts;

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

public static class EmbeddedHostProcess
{
    /// <summary>
    /// <c>dotnet CheckIn.Host.dll</c> from this test's output folder (where the project reference puts it): what
    /// <c>dotnet run --project src/CheckIn.Host</c> starts, in embedded mode, on free ports of its own. Nothing else
    /// is set: the blocks meet the host a new user meets (its demo data, its default admin key).
    /// </summary>
    public static HostProcess Start()
    {
        var clusterId = $"readme-{Guid.NewGuid():N}";
        return HostProcess.Start("embedded host", new Uri($"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}"), new Dictionary<string, string?>
        {
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Logging__LogLevel__Default"] = "Warning",
        });
    }
}
