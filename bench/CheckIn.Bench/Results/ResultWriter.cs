using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Results;

/// <summary>Turns a finished run into the JSON result, the markdown summary and the console table.</summary>
internal static class ResultWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <param name="source">HEAD and whether src/ or sql/ differed from it when the run started (the host was built just before).</param>
    public static JsonObject ToJson(
        BenchOptions options, string mode, HostBuildInfo? host, IReadOnlyDictionary<string, string>? hostSettings, DateTimeOffset date,
        ScenarioReport report, IReadOnlyList<ResourceSample> samples, (string Commit, bool Dirty) source, string repository)
    {
        var (commit, dirty) = source;
        if (RunInfo.Commit(repository).Commit != commit)
        {
            report.Notes.Add($"HEAD moved from {commit} during the run; the figures are for the host built at the start ({host?.BuiltAt:O}).");
        }
        var operations = new JsonObject();
        foreach (var op in report.Operations)
        {
            operations[op.Name] = Operation(op);
        }
        var json = new JsonObject
        {
            ["scenario"] = options.Scenario,
            ["mode"] = mode,
            ["commit"] = commit,
            ["uncommittedChanges"] = dirty,
            ["date"] = date.ToString("O", CultureInfo.InvariantCulture),
            ["machine"] = RunInfo.Machine(),
            ["hostBuild"] = host?.Configuration,
            ["hostBuiltAt"] = host?.BuiltAt.ToString("O", CultureInfo.InvariantCulture),
            // The settings the host was started with (a scenario that restarts it with others reports them per phase).
            ["hostSettings"] = hostSettings is null ? null : Settings(hostSettings),
            ["command"] = options.CommandLine,
            ["options"] = JsonSerializer.SerializeToNode(options, Web),
            ["operations"] = operations,
            ["targets"] = new JsonArray([.. report.Targets.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["target"] = t.Wanted,
                ["measured"] = t.Measured,
                ["result"] = t.Verdict,
            })]),
            ["checks"] = new JsonObject([.. report.Checks.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]),
            ["correct"] = report.Checks.Values.All(v => v),
            ["cpu"] = Resources(samples, s => s.HostCpu, "hostPercentOfOneCore",
                ("benchPercentOfOneCore", s => s.BenchCpu), ("loadGeneratorPercentOfOneCore", s => s.LoadGeneratorCpu),
                ("machinePercentOfOneCore", s => s.MachineCpu),
                // Everything else on the machine: PostgreSQL in durable mode, otherwise interference that distorts the run.
                ("otherPercentOfOneCore", s => Math.Max(0, s.MachineCpu - s.HostCpu - s.BenchCpu - s.LoadGeneratorCpu))),
            ["rssMb"] = Resources(samples, s => s.HostRssMb, "host"),
            ["notes"] = new JsonArray([.. report.Notes.Select(n => (JsonNode)n)]),
        };
        foreach (var (key, value) in report.Figures)
        {
            if (json[key] is JsonObject existing && value is JsonObject extra)
            {
                foreach (var (name, item) in extra)
                {
                    existing[name] = item?.DeepClone();
                }
            }
            else
            {
                json[key] = value?.DeepClone();
            }
        }
        return json;
    }

    public static JsonObject Settings(IReadOnlyDictionary<string, string> settings) =>
        new([.. settings.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))]);

    public static JsonObject Operation(OperationSummary op) => new()
    {
        ["count"] = op.Count,
        ["errors"] = new JsonObject
        {
            ["total"] = op.Errors,
            ["byKind"] = new JsonObject([.. op.ErrorsByKind.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))]),
        },
        ["statuses"] = new JsonObject([.. op.Statuses.Select(s => KeyValuePair.Create(s.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)s.Value))]),
        ["throughputPerSecond"] = Math.Round(op.ThroughputPerSecond, 1),
        ["windowSeconds"] = Math.Round(op.WindowSeconds, 2),
        ["latencyMs"] = Latency(op.LatencyMs),
    };

    public static JsonObject Latency(LatencySummary l) => new()
    {
        ["p50"] = Math.Round(l.P50, 3),
        ["p90"] = Math.Round(l.P90, 3),
        ["p99"] = Math.Round(l.P99, 3),
        ["p999"] = Math.Round(l.P999, 3),
        ["max"] = Math.Round(l.Max, 3),
    };

    public static (string Json, string Markdown) Write(string directory, string stem, JsonObject json, ScenarioReport report)
    {
        Directory.CreateDirectory(directory);
        var jsonPath = Path.Combine(directory, stem + ".json");
        var mdPath = Path.Combine(directory, stem + ".md");
        File.WriteAllText(jsonPath, json.ToJsonString(Indented) + "\n");
        File.WriteAllText(mdPath, Markdown(json, report));
        return (jsonPath, mdPath);
    }

    public static string Markdown(JsonObject json, ScenarioReport report)
    {
        var md = new StringBuilder();
        var machine = json["machine"]!;
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark `{json["scenario"]}` ({json["mode"]} host)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {json["date"]}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- commit: `{json["commit"]}`{((bool)json["uncommittedChanges"]! ? " (with uncommitted changes in src/ or sql/)" : "")}; host build: {json["hostBuild"] ?? "external"} {json["hostBuiltAt"]}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {machine["cores"]} cores, {machine["cpuModel"]}, {machine["memoryGb"]} GB; {machine["os"]}; .NET {machine["dotnet"]}");
        md.AppendLine("- load generator and host share the machine");
        if (json["hostSettings"] is JsonObject settings)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- host settings at start: {string.Join(", ", settings.Select(e => $"`{e.Key}={e.Value}`"))}");
        }
        md.AppendLine();
        md.AppendLine("Reproduce:");
        md.AppendLine();
        md.AppendLine("```bash");
        md.AppendLine(json["command"]!.GetValue<string>());
        md.AppendLine("```");
        md.AppendLine();
        md.Append(Tables(report));
        md.AppendLine("## Host resources (sampled every 500 ms)");
        md.AppendLine();
        md.AppendLine("```json");
        md.AppendLine(new JsonObject { ["cpu"] = json["cpu"]?.DeepClone(), ["rssMb"] = json["rssMb"]?.DeepClone() }.ToJsonString(Indented));
        md.AppendLine("```");
        if (report.Figures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Scenario figures");
            md.AppendLine();
            md.AppendLine("```json");
            md.AppendLine(report.Figures.ToJsonString(Indented));
            md.AppendLine("```");
        }
        if (report.Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var note in report.Notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }
        return md.ToString();
    }

    /// <summary>The targets, checks and operations tables (markdown; also what the console shows).</summary>
    public static string Tables(ScenarioReport report)
    {
        var md = new StringBuilder();
        if (report.Targets.Count > 0)
        {
            md.AppendLine("## Targets");
            md.AppendLine();
            md.AppendLine("| target | wanted | measured | result |");
            md.AppendLine("| --- | --- | --- | --- |");
            foreach (var t in report.Targets)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Wanted} | {t.Measured} | **{t.Verdict}** |");
            }
            md.AppendLine();
        }
        if (report.Checks.Count > 0)
        {
            md.AppendLine("## Correctness checks");
            md.AppendLine();
            md.AppendLine("| check | result |");
            md.AppendLine("| --- | --- |");
            foreach (var (name, holds) in report.Checks)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {(holds ? "ok" : "**FAILED**")} |");
            }
            md.AppendLine();
        }
        md.AppendLine("## Operations (latency in ms)");
        md.AppendLine();
        md.AppendLine("| operation | count | errors | per second | p50 | p90 | p99 | p99.9 | max | statuses |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var op in report.Operations)
        {
            var l = op.LatencyMs;
            var statuses = string.Join(" ", op.Statuses.Select(s => s.Key == 0 ? $"{s.Value}" : $"{s.Key}:{s.Value}"));
            var errors = op.Errors == 0 ? "0" : $"{op.Errors} ({string.Join(", ", op.ErrorsByKind.Select(e => $"{e.Key}: {e.Value}"))})";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {op.Name} | {op.Count} | {errors} | {op.ThroughputPerSecond:F0} | {l.P50:F2} | {l.P90:F2} | {l.P99:F2} | {l.P999:F2} | {l.Max:F2} | {statuses} |");
        }
        md.AppendLine();
        return md.ToString();
    }

    private static JsonObject Resources(
        IReadOnlyList<ResourceSample> samples, Func<ResourceSample, double> main, string mainName, params (string Name, Func<ResourceSample, double> Select)[] others)
    {
        var json = new JsonObject { [mainName] = Series(samples.Select(main).ToList()) };
        foreach (var (name, select) in others)
        {
            json[name] = Series(samples.Select(select).ToList());
        }
        json["samples"] = samples.Count;
        return json;
    }

    private static JsonObject Series(IReadOnlyList<double> values)
    {
        var s = SeriesSummary.Of(values);
        return new JsonObject
        {
            ["avg"] = Math.Round(s.Average, 1),
            ["max"] = Math.Round(s.Max, 1),
            ["firstThirdAvg"] = Math.Round(s.FirstThird, 1),
            ["lastThirdAvg"] = Math.Round(s.LastThird, 1),
        };
    }
}
