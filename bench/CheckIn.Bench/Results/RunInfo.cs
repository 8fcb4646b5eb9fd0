using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CheckIn.Bench.Results;

/// <summary>Where and on what a run happened: machine, commit, date.</summary>
internal static class RunInfo
{
    public static JsonObject Machine()
    {
        var cpuModel = TryRead("/proc/cpuinfo")?.Split('\n')
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memKb = TryRead("/proc/meminfo")?.Split('\n')
            .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?[9..].Trim().Split(' ')[0];
        var memoryGb = memKb is null ? 0 : Math.Round(long.Parse(memKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0, 1);
        return new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpuModel"] = cpuModel,
            ["memoryGb"] = memoryGb,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["dotnet"] = Environment.Version.ToString(),
            ["loadAverageAtEnd"] = LoadAverage(),
        };
    }

    /// <summary>1, 5 and 15 minute load averages ("0.12 0.30 0.25").</summary>
    public static string? LoadAverage() => TryRead("/proc/loadavg")?.Split(' ').Take(3).Aggregate((a, b) => $"{a} {b}");

    /// <summary>Short HEAD commit, and whether src/ or sql/ differ from it (figures of uncommitted code).</summary>
    public static (string Commit, bool Dirty) Commit(string repository)
    {
        var commit = Git(repository, "rev-parse --short HEAD")?.Trim();
        var status = Git(repository, "status --porcelain -- src sql");
        return (string.IsNullOrEmpty(commit) ? "unknown" : commit, !string.IsNullOrWhiteSpace(status));
    }

    private static string? Git(string repository, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", $"-C \"{repository}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
