using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Results;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>scale-out</c> (durable): the <c>mixed</c> request mix (<see cref="MixedLoad"/>) twice in one run, each phase on
/// a fresh cluster, a fresh database and a fresh fleet: <c>one-silo</c>, one host pinned to both cores
/// (<c>taskset -c 0,1</c>), then <c>two-silos</c>, two hosts of one cluster pinned one core each (<c>taskset -c 0</c>,
/// <c>-c 1</c>) with reads and seat commands each sent round-robin over their HTTP endpoints, request by request. The
/// load generator (this process), PostgreSQL and Redis are not pinned in either phase. Per phase: throughput (total and
/// per pinned core), latency per operation, errors, each host's CPU and RSS, and from the hosts' <c>/metrics</c>
/// (scraped at the start and the end of the measured window) the share of Orleans messages that crossed silos.
/// </summary>
internal static class ScaleOutScenario
{
    /// <summary>Cores the silos are pinned to, in both phases.</summary>
    private const int PinnedCores = 2;
    private const double Target = 0.8;

    private static readonly Phase[] Phases =
    [
        new("one-silo", "oneSilo", ["0,1"]),
        new("two-silos", "twoSilos", ["0", "1"]),
    ];

    public static async Task RunAsync(BenchContext ctx)
    {
        if (!ctx.Target.CanRestart)
        {
            throw new BenchException("scale-out starts its own clusters: run it with --start-host durable (two silos share PostgreSQL and Redis).");
        }
        var pinned = TasksetAvailable();
        if (!pinned)
        {
            ctx.Progress.Log("taskset not found (util-linux): the silos run unpinned, the per-core figures divide by the machine's cores");
            ctx.Report.Notes.Add("taskset was not found: no host was pinned; per-core figures divide by 2 all the same.");
        }
        var results = new List<PhaseResult>();
        foreach (var phase in Phases)
        {
            results.Add(await RunPhaseAsync(ctx, phase, pinned, freshDatabase: results.Count > 0));
        }
        Report(ctx, results, pinned);
    }

    private static async Task<PhaseResult> RunPhaseAsync(BenchContext ctx, Phase phase, bool pinned, bool freshDatabase)
    {
        var o = ctx.Options;
        var loadAverage = RunInfo.LoadAverage();
        ctx.Progress.Log($"{phase.Name}: starting {phase.Cpus.Count} host(s){(pinned ? $" pinned to CPU {string.Join(" / ", phase.Cpus)}" : "")}");
        var hosts = await ctx.Target.StartClusterAsync([.. phase.Cpus.Select(c => pinned ? c : null)], freshDatabase, ctx.Cancellation);
        var samplers = hosts.Select(h => new ProcessSampler(() => h.Pid)).ToList();
        var endpoints = hosts.Select(h => HttpExchange.CreateClient(h.BaseAddress, o.Clients, o.Timeout)).ToList();
        try
        {
            var fleet = await ctx.CreateFleetAsync(o.Flights, o.Rows, 9);
            await ctx.PrimeAsync(fleet, endpoints);
            var load = new MixedLoad(fleet, "-" + phase.Name);
            var from = ctx.Sampler.Now + o.Warmup.TotalSeconds;
            var hostFrom = samplers.Select(s => s.Now + o.Warmup.TotalSeconds).ToList();
            // The window opens after the warm-up: the "before" scrape is taken then, the "after" one once the load stopped.
            var before = Task.Run(async () =>
            {
                await Task.Delay(o.Warmup, ctx.Cancellation);
                return await ScrapeAsync(ctx, hosts);
            });
            await load.RunAsync(ctx, endpoints, $"{phase.Name} ({hosts.Count} host(s))");
            var to = ctx.Sampler.Now;
            var hostTo = samplers.Select(s => s.Now).ToList();
            var after = await ScrapeAsync(ctx, hosts);
            var scrapedBefore = await before;
            ctx.Report.Add(load.All);
            if (phase.Key == Phases[0].Key)
            {
                // The run's top-level cpu and rssMb: the one-silo phase, whose host is the one the main sampler follows.
                ctx.Report.ResourceWindow = (from, to);
            }
            var silos = hosts.Select((h, i) => new SiloFigures(
                phase.Cpus[i], h.Pid,
                SeriesSummary.Of([.. samplers[i].Between(hostFrom[i], hostTo[i]).Select(s => s.HostCpu)]),
                SeriesSummary.Of([.. samplers[i].Between(hostFrom[i], hostTo[i]).Select(s => s.HostRssMb)]),
                after[i].Requests - scrapedBefore[i].Requests,
                after[i].Messages.Since(scrapedBefore[i].Messages))).ToList();
            var machine = ctx.Sampler.Between(from, to);
            return new PhaseResult(
                phase, pinned, loadAverage, load.Reads.Summarize(), [.. load.Commands.Select(c => c.Summarize())], silos,
                SeriesSummary.Of([.. machine.Select(s => s.BenchCpu)]), SeriesSummary.Of([.. machine.Select(s => s.MachineCpu)]));
        }
        finally
        {
            foreach (var endpoint in endpoints)
            {
                endpoint.Dispose();
            }
            foreach (var sampler in samplers)
            {
                await sampler.DisposeAsync();
            }
        }
    }

    /// <summary>Every host's <c>/metrics</c> (with the admin key): its HTTP requests counted and its Orleans messages.</summary>
    private static async Task<IReadOnlyList<(double Requests, OrleansMessages Messages)>> ScrapeAsync(BenchContext ctx, IReadOnlyList<StartedHost> hosts)
    {
        var scraped = new List<(double, OrleansMessages)>();
        foreach (var host in hosts)
        {
            using var http = HttpExchange.CreateClient(host.BaseAddress, 1, TimeSpan.FromSeconds(30));
            var (status, body) = await MetricsScrape.FetchAsync(http, ctx.Target.AdminKey, ctx.Cancellation);
            var text = Encoding.UTF8.GetString(body);
            scraped.Add(status == 200 ? (MetricsScrape.Read(text).HttpServerRequestsCounted, OrleansMessages.Read(text)) : (0, OrleansMessages.None));
        }
        return scraped;
    }

    private static void Report(BenchContext ctx, IReadOnlyList<PhaseResult> results, bool pinned)
    {
        var report = ctx.Report;
        var phases = new JsonObject();
        foreach (var result in results)
        {
            phases[result.Phase.Key] = result.ToJson();
            var errors = result.Errors;
            report.Check($"every request without errors ({result.Phase.Name})", errors == 0, $"{errors} errors");
            report.Check($"every silo answered requests ({result.Phase.Name})", result.Silos.All(s => s.HttpRequests > 0),
                string.Join(", ", result.Silos.Select(s => F($"{s.HttpRequests:0}"))) + " requests counted per silo");
            report.Targets.Add(new TargetCheck($"{result.Phase.Name}: throughput per pinned core", "reported",
                F($"{result.PerCore:F0}/s per core ({result.Reads.ThroughputPerSecond:F0} reads/s + {result.CommandsPerSecond:F0} commands/s over {PinnedCores} cores)"), null));
            report.Targets.Add(new TargetCheck($"{result.Phase.Name}: p99 read / commands", "reported",
                F($"{result.Reads.LatencyMs.P99:F1} ms / {string.Join(" ", result.Commands.Select(c => $"{c.Name.Split('-')[0]} {c.LatencyMs.P99:F1} ms"))}"), null));
        }
        var one = results[0];
        var two = results[1];
        var messages = two.Messages;
        if (messages.Published && one.Messages.Published)
        {
            report.Check("one silo: no Orleans message crossed silos", one.Messages.Remote == 0, F($"{one.Messages.Remote:0} remote messages"));
            report.Check("two silos: the silos exchanged messages (one cluster)", messages.Remote > 0, "no message crossed silos");
            report.Targets.Add(new TargetCheck("two-silos: share of Orleans messages (grain calls and responses) crossing silos", "reported",
                F($"{messages.RemoteShare * 100:F1} % ({messages.Remote:0} of {messages.Remote + messages.Local:0})"), null));
        }
        else
        {
            report.Notes.Add("The hosts' /metrics published no Orleans messaging counters "
                + $"({OrleansMessages.SentSizeInstrument}, {OrleansMessages.LocalInstrument}): the share of calls crossing silos was not measured.");
        }
        var ratio = one.PerCore > 0 ? two.PerCore / one.PerCore : 0;
        report.Targets.Add(TargetCheck.AtLeast(
            pinned ? "two silos (one core each) vs one silo (two cores): throughput per core" : "two silos vs one silo (not pinned): throughput per core",
            ratio, Target, "x"));
        report.Figures["phases"] = phases;
        report.Figures["scaleOut"] = new JsonObject
        {
            ["pinned"] = pinned,
            ["pinnedCores"] = PinnedCores,
            ["loadGenerator"] = ".NET closed loop in the bench process, not pinned (both phases); PostgreSQL and Redis not pinned either",
            ["roundRobin"] = "per request: seat-map reads and seat commands each alternate over the two HTTP endpoints",
            ["database"] = "one fresh PostgreSQL database (and a fresh fleet) per phase; one Redis, a new cluster id per phase",
            ["throughputPerCoreTwoToOne"] = Math.Round(ratio, 3),
            ["crossSiloShareTwoSilos"] = messages.RemoteShare is { } share ? Math.Round(share, 4) : null,
            ["crossSiloSource"] = $"Orleans meter Microsoft.Orleans at /metrics: {OrleansMessages.SentSizeInstrument}_*_count "
                + $"(ConnectionDirection=SiloToSilo) = messages sent to another silo; {OrleansMessages.LocalInstrument} = messages a silo "
                + "delivered to itself; scraped on every silo at the start and the end of the measured window, differences summed over "
                + "the silos. A grain call is a request and its response, both on the same path, so the message share is the call share "
                + "(Orleans's own messages, membership, directory and reminders, included).",
        };
        report.Figures["readsPerCommand"] = ctx.Options.ReadsPerCommand;
        report.Figures["flights"] = ctx.Options.Flights;
    }

    private static bool TasksetAvailable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "taskset")));

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record Phase(string Name, string Key, IReadOnlyList<string> Cpus);

    /// <summary>One host of a phase: its CPU list, CPU and RSS over the window, HTTP requests and Orleans messages counted in it.</summary>
    private sealed record SiloFigures(string Cpus, int Pid, SeriesSummary Cpu, SeriesSummary RssMb, double HttpRequests, OrleansMessages Messages)
    {
        public JsonObject ToJson(bool pinned) => new()
        {
            ["cpus"] = pinned ? Cpus : "not pinned",
            ["cpuPercentOfOneCore"] = Summary(Cpu),
            ["rssMb"] = Summary(RssMb),
            ["httpRequestsCounted"] = HttpRequests,
            ["orleansMessages"] = Messages.Published ? Messages.ToJson() : null,
        };
    }

    private sealed record PhaseResult(
        Phase Phase, bool Pinned, string? LoadAverageAtStart, OperationSummary Reads, IReadOnlyList<OperationSummary> Commands,
        IReadOnlyList<SiloFigures> Silos, SeriesSummary BenchCpu, SeriesSummary MachineCpu)
    {
        public double CommandsPerSecond => Commands.Sum(c => c.ThroughputPerSecond);

        public double Total => Reads.ThroughputPerSecond + CommandsPerSecond;

        public double PerCore => Total / PinnedCores;

        public long Errors => Reads.Errors + Commands.Sum(c => c.Errors);

        public OrleansMessages Messages => Silos.Select(s => s.Messages).Aggregate((a, b) => a.Plus(b));

        public JsonObject ToJson() => new()
        {
            ["silos"] = Silos.Count,
            ["loadAverageAtStart"] = LoadAverageAtStart,
            ["readsPerSecond"] = Math.Round(Reads.ThroughputPerSecond, 1),
            ["commandsPerSecond"] = Math.Round(CommandsPerSecond, 1),
            ["totalPerSecond"] = Math.Round(Total, 1),
            ["totalPerSecondPerPinnedCore"] = Math.Round(PerCore, 1),
            ["errors"] = Errors,
            ["p50Ms"] = new JsonObject([.. new[] { Reads }.Concat(Commands).Select(op => KeyValuePair.Create(op.Name, (JsonNode?)Math.Round(op.LatencyMs.P50, 2)))]),
            ["p99Ms"] = new JsonObject([.. new[] { Reads }.Concat(Commands).Select(op => KeyValuePair.Create(op.Name, (JsonNode?)Math.Round(op.LatencyMs.P99, 2)))]),
            ["hosts"] = new JsonArray([.. Silos.Select(s => (JsonNode)s.ToJson(Pinned))]),
            ["hostCpuPercentOfOneCoreTotal"] = Math.Round(Silos.Sum(s => s.Cpu.Average), 1),
            ["hostRssMbTotal"] = Math.Round(Silos.Sum(s => s.RssMb.Average), 1),
            ["loadGeneratorCpuPercentOfOneCore"] = Summary(BenchCpu),
            ["machineCpuPercentOfOneCore"] = Summary(MachineCpu),
            ["orleansMessages"] = Messages.Published ? Messages.ToJson() : null,
            // Grain traffic per HTTP request the hosts counted (seat-map reads from a host's own copy make none).
            ["orleansMessagesPerHttpRequest"] = Messages.Published && Silos.Sum(s => s.HttpRequests) is > 0 and var requests
                ? Math.Round((Messages.Remote + Messages.Local) / requests, 3)
                : null,
        };
    }

    private static JsonObject Summary(SeriesSummary s) => new()
    {
        ["avg"] = Math.Round(s.Average, 1),
        ["max"] = Math.Round(s.Max, 1),
    };
}
