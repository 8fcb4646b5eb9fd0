using System.Diagnostics;
using System.Globalization;
using CheckIn.Bench.Api;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Load;

/// <summary>
/// One wrk load against a URL with the seat-map read mix (<c>seatmap-reads.lua</c>): the same C load generator for
/// the host and for nginx, so that neither side's figure is held back by a .NET client sharing the two cores.
/// </summary>
/// <param name="ConditionalShare">Share of requests revalidating with the last ETag the wrk thread received.</param>
/// <param name="ForwardedClients">0: no X-Forwarded-For; n: the requests speak for n distinct client addresses.</param>
internal sealed record WrkLoad(Uri Url, int Connections, TimeSpan Duration, TimeSpan Timeout, double ConditionalShare, int ForwardedClients)
{
    public int Threads => Math.Clamp(Environment.ProcessorCount, 1, Connections);

    public int ClientsPerThread => ForwardedClients <= 0 ? 0 : (ForwardedClients + Threads - 1) / Threads;
}

internal static class Wrk
{
    private const string ScriptResource = "CheckIn.Bench.Load.seatmap-reads.lua";

    /// <summary>wrk's duration is whole seconds: a fraction is rounded up (at least 1 s).</summary>
    public static int Seconds(TimeSpan duration) => Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds - 1e-9));

    /// <summary>Runs wrk (installing it when missing) and returns what it measured under <paramref name="name"/>.</summary>
    public static async Task<OperationSummary> RunAsync(
        string name, WrkLoad load, ProcessSampler sampler, Action<string> log, CancellationToken cancellationToken)
    {
        var binary = await DebianPackage.FindOrInstallAsync(
            "wrk", ["/usr/bin/wrk", "/usr/local/bin/wrk"], "the seatmap read load runs on wrk", log, cancellationToken);
        var script = Path.Combine(Path.GetTempPath(), $"checkin-bench-seatmap-reads-{Environment.ProcessId}.lua");
        await using (var resource = typeof(Wrk).Assembly.GetManifestResourceStream(ScriptResource)
            ?? throw new BenchException($"The bench lacks its embedded {ScriptResource}."))
        await using (var file = File.Create(script))
        {
            await resource.CopyToAsync(file, cancellationToken);
        }
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "-t", I(load.Threads), "-c", I(load.Connections), "-d", $"{I(Seconds(load.Duration))}s",
            "--timeout", $"{I(Seconds(load.Timeout))}s", "--latency", "-s", script, load.Url.AbsoluteUri, "--",
            load.ConditionalShare.ToString("0.####", CultureInfo.InvariantCulture), I(load.ClientsPerThread),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new BenchException("Could not start wrk.");
        sampler.LoadGeneratorPid = process.Id;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            var text = await output;
            if (process.ExitCode != 0)
            {
                throw new BenchException($"wrk {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{text}");
            }
            return WrkOutput.Parse(name, text);
        }
        finally
        {
            sampler.LoadGeneratorPid = null;
            File.Delete(script);
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
