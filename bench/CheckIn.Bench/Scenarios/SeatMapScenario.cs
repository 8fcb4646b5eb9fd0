using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>seatmap</c>: wrk reads one flight's seat map over C connections (a share of the requests revalidating with
/// If-None-Match) while a .NET writer holds and releases seats and two pollers measure how soon each hold shows in
/// the map. The host runs once per combination of <c>--rate-limits</c> and <c>--telemetry</c> (a fresh host each).
/// By default limits are on (every limit far above the load, the bench a trusted proxy whose requests speak for 256+
/// distinct clients, X-Forwarded-For) and telemetry runs both ways, off then on, so that the cost of metrics and
/// tracing on the hot path shows in one run; <c>--rate-limits both</c> adds the limiter's cost. Then nginx serves the
/// same response bytes as a static file to the same wrk load: the ratios are the figures that carry from one machine
/// to another.
/// </summary>
internal static class SeatMapScenario
{
    /// <summary>Distinct clients the read load speaks for when the host trusts the bench as a proxy (at least).</summary>
    public const int ForwardedClients = 256;

    /// <summary>The throughput with telemetry on must stay within 10 % of the figure with it off (issue 14).</summary>
    public const double TelemetryTolerance = 0.10;

    /// <summary>The writer's and pollers' own client address in the limits-on phase.</summary>
    private const string SideClientAddress = "10.254.0.1";

    /// <summary>One host run's settings: null for an external host (its settings are its own).</summary>
    private sealed record PhaseConfig(string? RateLimits, string? Telemetry)
    {
        public bool External => RateLimits is null;

        /// <summary>Operation-name suffix: the default configuration (limits on, telemetry on) has none.</summary>
        public string Suffix => (RateLimits == RateLimitSettings.Off ? "-limits-off" : "") + (Telemetry == TelemetrySettings.Off ? "-telemetry-off" : "");

        /// <summary>The key under <c>phases</c> and <c>ratios</c>: <c>limitsOnTelemetryOff</c>, ...</summary>
        public string Key => External ? "external" : $"limits{Title(RateLimits!)}Telemetry{Title(Telemetry!)}";

        public string Label => External ? "external host" : $"limits {RateLimits}, telemetry {Telemetry}";

        private static string Title(string mode) => mode == RateLimitSettings.On ? "On" : "Off";
    }

    private sealed record PhaseResult(
        PhaseConfig Config, OperationSummary Reads, OperationSummary Writes, OperationSummary Lag, int NeverSeen, int ForwardedClients,
        IReadOnlyDictionary<string, string>? Settings, JsonObject Cpu, int? FailOpenLogLines, MetricsScrape? Metrics);

    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var phases = new List<PhaseResult>();
        byte[] bytes = [];
        string path = "";
        var from = ctx.Sampler.Now;
        foreach (var config in Plan(ctx))
        {
            if (!config.External && (ctx.Target.RateLimits != config.RateLimits || ctx.Target.Telemetry != config.Telemetry))
            {
                ctx.Progress.Phase($"restarting the host with {config.Label}");
                await ctx.Target.RestartWithAsync(config.RateLimits!, config.Telemetry!, ctx.Cancellation);
            }
            (var phase, bytes, path) = await HostPhaseAsync(ctx, config);
            phases.Add(phase);
        }
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        foreach (var phase in phases)
        {
            ctx.Report.Operations.AddRange([phase.Reads, phase.Writes, phase.Lag]);
        }

        OperationSummary? nginx = null;
        if (!o.NoNginx)
        {
            await using var server = await Nginx.StartAsync(bytes, path, ctx.Progress.Log, ctx.Cancellation);
            // Same wrk load and script; nginx ignores X-Forwarded-For, sent anyway so the requests are byte for byte alike.
            (nginx, _, _) = await ReadLoadAsync(ctx, "seatmap-nginx", new Uri(server.BaseAddress, path), phases[^1].ForwardedClients);
            ctx.Report.Operations.Add(nginx);
        }
        Report(ctx, phases, nginx, bytes.Length);
    }

    /// <summary>
    /// The host runs in order: rate-limit modes outside, telemetry modes inside (so the default, limits on with
    /// telemetry both, is two runs: telemetry off, then on). An external host runs once as it is.
    /// </summary>
    private static List<PhaseConfig> Plan(BenchContext ctx)
    {
        var o = ctx.Options;
        if (ctx.Target.RateLimits is null)
        {
            return [new PhaseConfig(null, null)];
        }
        var limits = RateLimitSettings.Sequence(o.RateLimits) ?? [RateLimitSettings.Off];
        var telemetry = TelemetrySettings.Sequence(o.Telemetry) ?? [TelemetrySettings.On];
        if (limits.Distinct().Count() != limits.Count)
        {
            throw new BenchException($"--rate-limits {o.RateLimits}: each mode once.");
        }
        if (telemetry.Distinct().Count() != telemetry.Count)
        {
            throw new BenchException($"--telemetry {o.Telemetry}: each mode once.");
        }
        return [.. limits.SelectMany(l => telemetry.Select(t => new PhaseConfig(l, t)))];
    }

    private static async Task<(PhaseResult Phase, byte[] Bytes, string Path)> HostPhaseAsync(BenchContext ctx, PhaseConfig config)
    {
        var o = ctx.Options;
        var suffix = config.Suffix;
        // Each writer passenger alternates hold and release of its own seat; enough of them that a hold stays
        // about 2 s before its release, so a slow map still gets a chance to show it.
        var writers = Math.Max(9, (int)Math.Ceiling(o.WriteRate * 2 / 9.0) * 9);
        var fleet = await ctx.CreateFleetAsync(1, o.Rows, writers);
        var path = CheckInClient.SeatMapPath(fleet.Flights[0]);
        var forwarded = config.RateLimits is { } mode && RateLimitSettings.TrustsBench(mode) ? Math.Max(ForwardedClients, o.Clients) : 0;

        var writes = new OperationRecorder("seat-write" + suffix);
        var lag = new OperationRecorder("visibility-lag" + suffix);
        var tracker = new VisibilityTracker(lag);
        double from, to;
        OperationSummary reads;
        using (var side = ctx.LoadClient(4))
        using (var stopSide = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation))
        {
            if (forwarded > 0)
            {
                side.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", SideClientAddress);
            }
            // The writes count from the start of the measured window, like the reads.
            var windowStart = Stopwatch.GetTimestamp() + ClosedLoop.Ticks(TimeSpan.FromSeconds(o.Warmup > TimeSpan.Zero ? Wrk.Seconds(o.Warmup) : 0));
            writes.OpenWindow(windowStart);
            writes.CloseWindow(windowStart + ClosedLoop.Ticks(TimeSpan.FromSeconds(Wrk.Seconds(o.Duration))));
            var writer = o.WriteRate > 0 ? WriteAsync(side, fleet.Slots, o.WriteRate, writes, tracker, stopSide.Token) : Task.CompletedTask;
            var pollers = Enumerable.Range(0, 2).Select(_ => PollAsync(side, path, tracker, stopSide.Token)).ToList();
            (reads, from, to) = await ReadLoadAsync(ctx, "seatmap" + suffix, new Uri(ctx.Target.BaseAddress, path), forwarded, () => $"writes {writes.Seen}, lag samples {lag.Seen}");
            await stopSide.CancelAsync();
            await Task.WhenAll([writer, .. pollers]);
        }
        tracker.Finish();
        var bytes = (await HttpExchange.SendAsync(ctx.Admin.Http, CheckInClient.SeatMap(path, null), keepBody: true, ctx.Cancellation)).Body!;
        // After the load, outside every measured window: proof that telemetry was on (or off) as the phase says.
        var metrics = config.External ? null : await MetricsScrape.ScrapeAsync(ctx.Admin.Http, ctx.Target.AdminKey, ctx.Cancellation);
        var writeSummary = writes.Summarize(TimeSpan.FromSeconds(Wrk.Seconds(o.Duration)));
        var phase = new PhaseResult(
            config, reads, writeSummary, lag.Summarize(), tracker.NeverSeen, forwarded, ctx.Target.HostSettings, Cpu(ctx.Sampler.Between(from, to), reads.ThroughputPerSecond),
            config.RateLimits == RateLimitSettings.On ? CountFailOpen(ctx.Target.HostLogPath) : null, metrics);
        return (phase, bytes, path);
    }

    /// <summary>The wrk read load (warm-up run, then the measured run), identical for the host and nginx.</summary>
    /// <returns>What wrk measured and the sampler's time range of the measured run (for the CPU it cost).</returns>
    private static async Task<(OperationSummary Reads, double From, double To)> ReadLoadAsync(
        BenchContext ctx, string name, Uri url, int forwardedClients, Func<string>? detail = null)
    {
        var o = ctx.Options;
        WrkLoad Load(TimeSpan duration) => new(url, o.Clients, duration, o.Timeout, o.ConditionalShare, forwardedClients);
        if (o.Warmup > TimeSpan.Zero)
        {
            ctx.Progress.Phase($"{name}: wrk warm-up, {o.Clients} connections", detail: detail);
            await Wrk.RunAsync(name + "-warmup", Load(o.Warmup), ctx.Sampler, ctx.Progress.Log, ctx.Cancellation);
        }
        ctx.Progress.Phase($"{name}: wrk, {o.Clients} connections{(forwardedClients > 0 ? $", {forwardedClients} forwarded clients" : "")}", detail: detail);
        var from = ctx.Sampler.Now;
        var reads = await Wrk.RunAsync(name, Load(o.Duration), ctx.Sampler, ctx.Progress.Log, ctx.Cancellation);
        return (reads, from, ctx.Sampler.Now);
    }

    /// <summary>
    /// Lines of the host's log where abuse protection failed open (its guard grain did not answer): then the run
    /// measured the fallback, not the limiter. Null without a log (external host).
    /// </summary>
    private static int? CountFailOpen(string? logPath)
    {
        if (logPath is null || !File.Exists(logPath))
        {
            return null;
        }
        using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains("Abuse protection failed open", StringComparison.Ordinal))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// CPU during the measured wrk run, and the host's CPU per read: on a machine shared with other work the host gets
    /// what is left, so its CPU time per request says more about the limiter's cost than requests per second.
    /// </summary>
    private static JsonObject Cpu(IReadOnlyList<Monitoring.ResourceSample> samples, double readsPerSecond)
    {
        double Avg(Func<Monitoring.ResourceSample, double> select) => samples.Count == 0 ? 0 : Math.Round(samples.Average(select), 1);
        var host = samples.Count == 0 ? 0 : samples.Average(s => s.HostCpu);
        return new JsonObject
        {
            ["hostCpuMsPerRead"] = readsPerSecond > 0 ? Math.Round(host / 100 * 1000 / readsPerSecond, 4) : null,
            ["hostPercentOfOneCore"] = Avg(s => s.HostCpu),
            ["loadGeneratorPercentOfOneCore"] = Avg(s => s.LoadGeneratorCpu),
            ["benchPercentOfOneCore"] = Avg(s => s.BenchCpu),
            ["machinePercentOfOneCore"] = Avg(s => s.MachineCpu),
            ["samples"] = samples.Count,
        };
    }

    private static async Task WriteAsync(
        HttpClient http, IReadOnlyList<PassengerSlot> slots, double rate, OperationRecorder writes, VisibilityTracker tracker, CancellationToken cancellationToken)
    {
        var held = new bool[slots.Count];
        var interval = Stopwatch.Frequency / rate;
        var next = (double)Stopwatch.GetTimestamp();
        for (var k = 0; !cancellationToken.IsCancellationRequested; k++)
        {
            var i = k % slots.Count;
            var slot = slots[i];
            var command = held[i] ? "release" : "hold";
            var start = Stopwatch.GetTimestamp();
            var outcome = await HttpExchange.SendAsync(
                http, CheckInClient.SeatCommand(command, slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), keepBody: !held[i], CancellationToken.None);
            var end = Stopwatch.GetTimestamp();
            writes.Record(start, end, outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
            if (outcome.IsSuccess)
            {
                if (!held[i] && SeatMapReads.HoldExpiresAt(outcome.Body) is { } expires)
                {
                    tracker.Acknowledged(slot.SeatNumber, expires, end);
                }
                held[i] = !held[i];
            }
            next += interval;
            var wait = (next - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task PollAsync(HttpClient http, string path, VisibilityTracker tracker, CancellationToken cancellationToken)
    {
        string? etag = null;
        // Keeps polling a little after the writer stopped, so the last holds can still be seen.
        while (!cancellationToken.IsCancellationRequested)
        {
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(path, etag), keepBody: true, CancellationToken.None);
            var received = Stopwatch.GetTimestamp();
            if (outcome.Status == 200 && outcome.Body is { } body)
            {
                var map = SeatMapState.Parse(body, outcome.ETag);
                etag = map.ETag;
                tracker.Observed(map, received);
            }
            else if (outcome.Status != 304)
            {
                await Task.Delay(10, CancellationToken.None);
            }
        }
        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < drainUntil)
        {
            var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(path, null), keepBody: true, CancellationToken.None);
            if (outcome.Status == 200 && outcome.Body is { } body)
            {
                tracker.Observed(SeatMapState.Parse(body, outcome.ETag), Stopwatch.GetTimestamp());
            }
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static void Report(BenchContext ctx, IReadOnlyList<PhaseResult> phases, OperationSummary? nginx, int bytes)
    {
        var report = ctx.Report;
        var o = ctx.Options;
        report.Figures["responseBytes"] = bytes;
        report.Figures["clients"] = o.Clients;
        report.Figures["conditionalShare"] = o.ConditionalShare;
        report.Figures["loadGenerator"] = "wrk";
        report.Notes.Add("Seat-map reads (host and nginx) are sent by wrk with the same Lua script; the writer and the visibility pollers are .NET.");
        var ratios = new JsonObject();
        var phaseFigures = new JsonObject();
        foreach (var phase in phases)
        {
            var (label, key) = (phase.Config.Label, phase.Config.Key);
            var (reads, writes, lag) = (phase.Reads, phase.Writes, phase.Lag);
            report.Check($"seat map reads without errors ({label})", reads.Errors == 0, $"{reads.Errors} errors: {Kinds(reads)}");
            report.Check($"background writes without errors ({label})", writes.Errors == 0, $"{writes.Errors} errors: {Kinds(writes)}");
            report.Check($"every hold became visible in the map ({label})", phase.NeverSeen == 0, $"{phase.NeverSeen} holds never seen");
            if (phase.Config.RateLimits == RateLimitSettings.On)
            {
                // Limits are set far above the load: a refusal means the limiter refused what it must not.
                var refused = reads.Statuses.GetValueOrDefault(429) + writes.Statuses.GetValueOrDefault(429);
                report.Check($"no 429 with limits on ({label})", refused == 0, $"{refused} answers 429 ({Kinds(reads)} {Kinds(writes)})");
                if (phase.FailOpenLogLines is { } failedOpen)
                {
                    report.Check($"the limiter answered with limits on, no fail-open in the host log ({label})", failedOpen == 0,
                        $"{failedOpen} log lines 'Abuse protection failed open': the run measured the fallback");
                }
            }
            CheckTelemetry(report, phase);
            var figures = new JsonObject
            {
                ["rateLimits"] = phase.Config.RateLimits ?? "external",
                ["telemetry"] = phase.Config.Telemetry ?? "external",
                ["hostSettings"] = phase.Settings is null ? null : ResultWriter.Settings(phase.Settings),
                ["forwardedClients"] = phase.ForwardedClients,
                ["failOpenLogLines"] = phase.FailOpenLogLines,
                ["metricsScrape"] = phase.Metrics?.ToJson(),
                ["reads"] = ResultWriter.Operation(reads),
                ["visibilityLagMs"] = Lag(lag, phase.NeverSeen),
                ["cpu"] = phase.Cpu,
            };
            if (nginx is not null)
            {
                var throughputRatio = nginx.ThroughputPerSecond > 0 ? reads.ThroughputPerSecond / nginx.ThroughputPerSecond : 0;
                var p99Ratio = nginx.LatencyMs.P99 > 0 ? reads.LatencyMs.P99 / nginx.LatencyMs.P99 : double.PositiveInfinity;
                var phaseRatios = new JsonObject
                {
                    ["throughputHostToNginx"] = Math.Round(throughputRatio, 3),
                    ["p99HostToNginx"] = Math.Round(p99Ratio, 2),
                };
                figures["ratios"] = phaseRatios.DeepClone();
                ratios[key] = phaseRatios;
                report.Targets.Add(TargetCheck.AtLeast($"throughput vs nginx at {o.Clients} connections ({label})", throughputRatio, 0.65, "x"));
                report.Targets.Add(TargetCheck.AtMost($"p99 vs nginx at {o.Clients} connections ({label})", p99Ratio, 2, "x"));
            }
            else
            {
                report.Targets.Add(new TargetCheck($"throughput vs nginx ({label})", ">= 0.65 x", "not measured (--no-nginx)", null));
                report.Targets.Add(new TargetCheck($"p99 vs nginx ({label})", "<= 2 x", "not measured (--no-nginx)", null));
            }
            report.Targets.Add(new TargetCheck($"errors ({label})", "0", $"{reads.Errors + writes.Errors}", reads.Errors + writes.Errors == 0));
            report.Targets.Add(TargetCheck.AtMost(
                $"change visible in the map, p99 ({label})", phase.NeverSeen > 0 ? double.PositiveInfinity : lag.LatencyMs.P99, 1000, "ms"));
            phaseFigures[key] = figures;
        }
        report.Figures["phases"] = phaseFigures;
        // The figures of the last phase (limits on and telemetry on by default) where the results always had them.
        var last = phases[^1];
        report.Figures["visibilityLagMs"] = Lag(last.Lag, last.NeverSeen);
        if (nginx is not null)
        {
            report.Figures["nginx"] = ResultWriter.Operation(nginx);
            var lastKey = ratios.Last().Key;
            ratios["throughputHostToNginx"] = ratios[lastKey]!["throughputHostToNginx"]!.DeepClone();
            ratios["p99HostToNginx"] = ratios[lastKey]!["p99HostToNginx"]!.DeepClone();
            report.Figures["ratios"] = ratios;
        }
        // Each comparison pairs two runs that differ in that one setting (preferring the other setting on, as shipped).
        if (Pair(phases, p => p.RateLimits, p => p.Telemetry) is (var limitsOff, var limitsOn, var limitsTelemetry))
        {
            var ratio = OnToOff(limitsOff, limitsOn);
            ratio["telemetry"] = limitsTelemetry;
            report.Figures["limitsOnToOff"] = ratio;
        }
        if (Pair(phases, p => p.Telemetry, p => p.RateLimits) is (var telemetryOff, var telemetryOn, var telemetryLimits))
        {
            var ratio = OnToOff(telemetryOff, telemetryOn);
            ratio["rateLimits"] = telemetryLimits;
            ratio["off"] = Brief(telemetryOff);
            ratio["on"] = Brief(telemetryOn);
            report.Figures["telemetryOnToOff"] = ratio;
            var label = $"limits {telemetryLimits}";
            var throughput = Ratio(telemetryOn.Reads.ThroughputPerSecond, telemetryOff.Reads.ThroughputPerSecond);
            var p99 = Ratio(telemetryOn.Reads.LatencyMs.P99, telemetryOff.Reads.LatencyMs.P99);
            report.Targets.Add(TargetCheck.AtLeast($"throughput telemetry on vs off, same run ({label})", throughput ?? 0, 1 - TelemetryTolerance, "x"));
            report.Targets.Add(TargetCheck.AtMost($"p99 telemetry on vs off, same run ({label})", p99 ?? double.PositiveInfinity, 1 + TelemetryTolerance, "x"));
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Telemetry ({label}): off {telemetryOff.Reads.ThroughputPerSecond:F0} req/s, p50 {telemetryOff.Reads.LatencyMs.P50:F2} ms, p99 {telemetryOff.Reads.LatencyMs.P99:F2} ms; "
                + $"on {telemetryOn.Reads.ThroughputPerSecond:F0} req/s, p50 {telemetryOn.Reads.LatencyMs.P50:F2} ms, p99 {telemetryOn.Reads.LatencyMs.P99:F2} ms; "
                + $"on/off throughput {throughput:0.###}, p99 {p99:0.##}, host CPU per read {ratio["hostCpuPerRead"]}."));
        }
    }

    /// <summary>
    /// Telemetry on: <c>/metrics</c> answered with ASP.NET Core's request histogram, which counted at least the
    /// measured reads. Telemetry off: <c>/metrics</c> is not served (404), so nothing was recorded.
    /// </summary>
    private static void CheckTelemetry(ScenarioReport report, PhaseResult phase)
    {
        if (phase.Metrics is not { } metrics)
        {
            return;
        }
        var label = phase.Config.Label;
        if (phase.Config.Telemetry == TelemetrySettings.On)
        {
            report.Check($"telemetry on: /metrics shows {MetricsScrape.HttpServerDuration} ({label})",
                metrics.Status == 200 && metrics.HasHttpServerDuration,
                $"GET /metrics answered {metrics.Status} with {metrics.Series} series");
            report.Check($"telemetry on: /metrics counted every measured read ({label})",
                metrics.HttpServerRequestsCounted >= phase.Reads.Count,
                string.Create(CultureInfo.InvariantCulture, $"{metrics.HttpServerRequestsCounted} requests counted, {phase.Reads.Count} reads measured"));
        }
        else
        {
            report.Check($"telemetry off: /metrics not served ({label})", metrics.Status == 404, $"GET /metrics answered {metrics.Status}");
        }
    }

    /// <summary>The first off and on runs of a setting that share the other setting's mode (on preferred); null when the run has no such pair.</summary>
    private static (PhaseResult Off, PhaseResult On, string Other)? Pair(
        IReadOnlyList<PhaseResult> phases, Func<PhaseConfig, string?> setting, Func<PhaseConfig, string?> other)
    {
        foreach (var otherMode in new[] { "on", "off" })
        {
            var off = phases.FirstOrDefault(p => setting(p.Config) == "off" && other(p.Config) == otherMode);
            var on = phases.FirstOrDefault(p => setting(p.Config) == "on" && other(p.Config) == otherMode);
            if (off is not null && on is not null)
            {
                return (off, on, otherMode);
            }
        }
        return null;
    }

    private static JsonObject OnToOff(PhaseResult off, PhaseResult on) => new()
    {
        ["throughput"] = Round(Ratio(on.Reads.ThroughputPerSecond, off.Reads.ThroughputPerSecond), 3),
        ["p50"] = Round(Ratio(on.Reads.LatencyMs.P50, off.Reads.LatencyMs.P50), 2),
        ["p99"] = Round(Ratio(on.Reads.LatencyMs.P99, off.Reads.LatencyMs.P99), 2),
        ["hostCpuPerRead"] = off.Cpu["hostCpuMsPerRead"] is { } offCpu && on.Cpu["hostCpuMsPerRead"] is { } onCpu
            ? Round(Ratio((double)onCpu, (double)offCpu), 3)
            : null,
    };

    private static JsonObject Brief(PhaseResult phase) => new()
    {
        ["readsPerSecond"] = Math.Round(phase.Reads.ThroughputPerSecond, 1),
        ["p50Ms"] = Math.Round(phase.Reads.LatencyMs.P50, 3),
        ["p99Ms"] = Math.Round(phase.Reads.LatencyMs.P99, 3),
        ["hostCpuMsPerRead"] = phase.Cpu["hostCpuMsPerRead"]?.DeepClone(),
    };

    private static double? Ratio(double value, double baseline) => baseline > 0 ? value / baseline : null;

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static JsonObject Lag(OperationSummary lag, int neverSeen) => new()
    {
        ["count"] = lag.Count,
        ["neverSeen"] = neverSeen,
        ["p50"] = Math.Round(lag.LatencyMs.P50, 2),
        ["p99"] = Math.Round(lag.LatencyMs.P99, 2),
        ["max"] = Math.Round(lag.LatencyMs.Max, 2),
    };

    private static string Kinds(OperationSummary op) => string.Join(", ", op.ErrorsByKind.Select(e => $"{e.Key}: {e.Value}"));
}
