using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using CheckIn.Bench.Api;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Results;
using CheckIn.Bench.Scenarios;
using CheckIn.Bench.Target;

namespace CheckIn.Bench;

/// <summary>
/// The command line: <c>CheckIn.Bench &lt;scenario&gt; [options]</c>. Exit code 0 when the run completed and every
/// correctness check held (targets met or missed alike), 3 when a correctness check failed, 1 on a failed run.
/// </summary>
public static class BenchApp
{
    public const int CorrectnessFailed = 3;

    /// <summary>The console entry point: Ctrl+C or SIGTERM stops the run and whatever it started.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        void Cancel(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await RunAsync(args, Console.Out, stop.Token);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var root = new RootCommand(
            "Orleans.CheckIn benchmark: drives a CheckIn host over HTTP (one it starts, or a running one) and reports latency "
            + "percentiles (HdrHistogram), throughput, errors by status and code, and the host's CPU and RSS. Every run writes "
            + "bench/results/<date>-<scenario>-<mode>.json and .md. Run `<scenario> --help` for its options.");
        foreach (var scenario in ScenarioCatalog.All)
        {
            var options = new CliOptions(scenario);
            var command = new Command(scenario.Name, scenario.Description);
            options.AddTo(command);
            command.SetAction(async (parse, ct) =>
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken);
                return await RunScenarioAsync(scenario, options.Read(parse, args), output, either.Token);
            });
            root.Subcommands.Add(command);
        }
        var parsed = root.Parse(args);
        // Signals are ours (above): the parser must not install its own handlers.
        return await parsed.InvokeAsync(
            new InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null }, cancellationToken);
    }

    private static async Task<int> RunScenarioAsync(ScenarioInfo scenario, BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var date = DateTimeOffset.UtcNow;
        var sourceRoot = BuildInfo.SourceRoot(options.HostDir);
        var source = RunInfo.Commit(sourceRoot);
        var loadAtStart = RunInfo.LoadAverage();
        if (double.TryParse(loadAtStart?.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) && load > Environment.ProcessorCount)
        {
            // The 1-minute average also remembers a previous run; a busy machine now makes for poor figures.
            output.WriteLine($"warning: load average {loadAtStart} at start: if something else is running, the figures will suffer.");
        }
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        output.WriteLine($"scenario {scenario.Name}: {Describe(options)}");
        BenchTarget target;
        try
        {
            target = await BenchTarget.CreateAsync(options, output, cancellationToken);
        }
        catch (BenchException ex)
        {
            output.WriteLine($"error: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("cancelled");
            return 130;
        }
        await using (target)
        {
            var hostSettings = target.HostSettings;
            await using var sampler = new ProcessSampler(() => target.HostPid);
            ScenarioReport report;
            await using (var progress = new ProgressLine(output, interactive, sampler))
            {
                using var context = new BenchContext(options, target, progress, sampler, cancellationToken);
                try
                {
                    await scenario.RunAsync(context);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    progress.Log("cancelled: stopping what the bench started");
                    return 130;
                }
                catch (BenchException ex)
                {
                    target.KeepWorkDirectory = true;
                    progress.Log($"error: {ex.Message}");
                    if (target.HostLogPath is { } log)
                    {
                        progress.Log($"host log: {log}");
                    }
                    return 1;
                }
                report = context.Report;
            }
            var window = report.ResourceWindow ?? (0, sampler.Now);
            var samples = sampler.Between(window.From, window.To);
            report.Figures["loadAverageAtStart"] = loadAtStart;
            var json = ResultWriter.ToJson(options, target.Mode, target.HostBuild, hostSettings, date, report, samples, source, sourceRoot);
            output.WriteLine();
            output.Write(ResultWriter.Tables(report));
            var cpu = json["cpu"]!["hostPercentOfOneCore"]!;
            var rss = json["rssMb"]!["host"]!;
            output.WriteLine(FormattableString.Invariant(
                $"host cpu avg {cpu["avg"]}% max {cpu["max"]}% (of one core; {Environment.ProcessorCount} cores) | host rss avg {rss["avg"]} MB max {rss["max"]} MB | bench cpu avg {json["cpu"]!["benchPercentOfOneCore"]!["avg"]}%"));
            if (!options.NoSave)
            {
                var directory = options.ResultsDir ?? Path.Combine(BuildInfo.RepositoryRoot, "bench", "results");
                var stem = $"{date.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{scenario.Name}-{target.Mode}";
                var (jsonPath, mdPath) = ResultWriter.Write(directory, stem, json, report);
                output.WriteLine($"results: {jsonPath}");
                output.WriteLine($"         {mdPath}");
            }
            var failed = report.Checks.Where(c => !c.Value).Select(c => c.Key).ToList();
            if (failed.Count > 0)
            {
                output.WriteLine($"correctness checks FAILED: {string.Join("; ", failed)}");
                return CorrectnessFailed;
            }
            return 0;
        }
    }

    private static string Describe(BenchOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"target {(o.StartHost is { } mode ? $"{(mode == "embedded" ? "an" : "a")} {mode} host started by the bench" : o.Url?.ToString())}, {o.Clients} clients, "
        + $"duration {o.Duration}, warm-up {o.Warmup}{(o.Smoke ? ", smoke" : "")}");
}
