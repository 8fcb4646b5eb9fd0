using System.Diagnostics;
using CheckIn.Bench.Api;

namespace CheckIn.Bench.Target;

/// <summary>
/// A tool the bench runs beside the host (nginx, wrk): found at its usual paths, else installed with apt-get the way
/// <c>scripts/test.sh</c> does (the machine is Debian and the bench runs as root).
/// </summary>
internal static class DebianPackage
{
    public static async Task<string> FindOrInstallAsync(
        string package, IReadOnlyList<string> candidates, string hint, Action<string> log, CancellationToken cancellationToken)
    {
        if (candidates.FirstOrDefault(File.Exists) is { } found)
        {
            return found;
        }
        log($"{Path.GetFileName(candidates[0])} is missing: installing {package} with apt-get ({hint})");
        foreach (var arguments in new[] { "update", $"install -y -o DPkg::Lock::Timeout=900 {package}" })
        {
            var start = new ProcessStartInfo("apt-get", arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var apt = Process.Start(start) ?? throw new BenchException("Could not run apt-get.");
            var output = apt.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = apt.StandardError.ReadToEndAsync(cancellationToken);
            await apt.WaitForExitAsync(cancellationToken);
            await output;
            if (apt.ExitCode != 0)
            {
                throw new BenchException($"apt-get {arguments} failed ({apt.ExitCode}): {await error}. Install {package} or {hint}.");
            }
        }
        return candidates.FirstOrDefault(File.Exists) ?? throw new BenchException($"{package} is still missing after apt-get install.");
    }
}
