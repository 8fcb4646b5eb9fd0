using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>mixed</c>: C clients for minutes of <see cref="MixedLoad"/> (seat-map reads and seat commands); per-operation
/// throughput and p99, host CPU and RSS and their trend.
/// </summary>
internal static class MixedScenario
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var fleet = await ctx.CreateFleetAsync(o.Flights, o.Rows, 9);
        await ctx.PrimeAsync(fleet);
        var load = new MixedLoad(fleet);
        var all = load.All;
        using var http = ctx.LoadClient(o.Clients);
        var from = ctx.Sampler.Now + o.Warmup.TotalSeconds;
        await load.RunAsync(ctx, [http], "mixed");
        var to = ctx.Sampler.Now;
        ctx.Report.ResourceWindow = (from, to);
        ctx.Report.Add(all);

        var samples = ctx.Sampler.Between(from, to);
        var cpu = SeriesSummary.Of([.. samples.Select(s => s.HostCpu)]);
        var rss = SeriesSummary.Of([.. samples.Select(s => s.HostRssMb)]);
        var summaries = ctx.Report.Operations;
        var errors = summaries.Sum(s => s.Errors);
        var report = ctx.Report;
        report.Check("every request without errors", errors == 0, $"{errors} errors");
        report.Figures["trend"] = new JsonObject
        {
            ["hostCpuPercentFirstThird"] = Math.Round(cpu.FirstThird, 1),
            ["hostCpuPercentLastThird"] = Math.Round(cpu.LastThird, 1),
            ["hostRssMbFirstThird"] = Math.Round(rss.FirstThird, 1),
            ["hostRssMbLastThird"] = Math.Round(rss.LastThird, 1),
            ["rssGrowthPercent"] = rss.FirstThird > 0 ? Math.Round((rss.LastThird - rss.FirstThird) / rss.FirstThird * 100, 1) : 0,
        };
        report.Figures["readsPerCommand"] = o.ReadsPerCommand;
        report.Figures["flights"] = load.Flights;
        foreach (var op in summaries)
        {
            report.Targets.Add(new TargetCheck($"{op.Name}: throughput and p99 reported", "reported",
                FormattableString.Invariant($"{op.ThroughputPerSecond:F0}/s, p99 {op.LatencyMs.P99:F1} ms"), null));
        }
        var growth = rss.FirstThird > 0 ? (rss.LastThird - rss.FirstThird) / rss.FirstThird * 100 : 0;
        report.Targets.Add(TargetCheck.AtMost("RSS growth, last third vs first third", growth, 10, "%"));
        report.Targets.Add(new TargetCheck("errors", "0", $"{errors}", errors == 0));
    }
}
