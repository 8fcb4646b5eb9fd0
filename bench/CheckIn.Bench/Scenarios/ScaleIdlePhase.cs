using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>One point of the idle period: seconds since it began, the host's RSS, its activations (null: no /metrics).</summary>
internal readonly record struct IdleSample(double Seconds, double RssMb, double? Activations);

/// <summary>The host's RSS when the idle period began and when it ended.</summary>
internal sealed record IdleOutcome(double RssBeforeMb, double RssEndMb);

/// <summary>
/// <c>scale --idle</c> (issue 16): after the warm reads nothing is sent to the host for the idle period but a
/// <c>/metrics</c> scrape every few seconds (what Prometheus does; it touches no grain), while its RSS (every 500 ms)
/// and Orleans's activation count are recorded. Idle grains should be collected (activations fall), RSS should not
/// grow, and every hold should still expire on time: afterwards every map is read once more and no seat may show
/// HELD more than <see cref="ExpiryTolerance"/> past its <c>holdExpiresAt</c>; the host's own hold-expiry-lag
/// histogram is reported beside it.
/// </summary>
internal static class ScaleIdlePhase
{
    /// <summary>How long past its holdExpiresAt a seat may still show HELD (the expiry scenario's max target).</summary>
    private static readonly TimeSpan ExpiryTolerance = TimeSpan.FromSeconds(5);

    /// <summary>Flat: no RSS sample of the idle period's last third above the first third's average by more than this.</summary>
    private const double FlatPercent = 10;

    public static async Task<IdleOutcome> RunAsync(
        BenchContext ctx, HttpClient http, Fleet fleet, IReadOnlyDictionary<(string Flight, string Seat), DateTimeOffset> expiries)
    {
        var idle = ctx.Options.Idle;
        var interval = TimeSpan.FromSeconds(Math.Clamp(idle.TotalSeconds / 60, 1, 10));
        using var metricsHttp = HttpExchange.CreateClient(ctx.Target.BaseAddress, 1, TimeSpan.FromSeconds(60));
        var before = await HostMetrics.ScrapeAsync(metricsHttp, ctx.Target.AdminKey, ctx.Cancellation);
        var rssBefore = await ScaleScenario.RssAsync(ctx);

        var samples = new List<IdleSample>();
        var from = ctx.Sampler.Now;
        var clock = Stopwatch.StartNew();
        var activations = before.Answered ? before.Activations : (double?)null;
        ctx.Progress.Phase($"scale: host left alone for {Show(idle)}", detail: () => string.Create(CultureInfo.InvariantCulture,
            $"{Show(clock.Elapsed)}, RSS {ctx.Sampler.Latest?.HostRssMb ?? 0:0} MB, activations {activations?.ToString("0", CultureInfo.InvariantCulture) ?? "?"}"));
        using (var timer = new PeriodicTimer(interval))
        {
            for (var tick = 0; tick < (int)Math.Ceiling(idle / interval); tick++)
            {
                await timer.WaitForNextTickAsync(ctx.Cancellation);
                var scrape = await HostMetrics.ScrapeAsync(metricsHttp, ctx.Target.AdminKey, ctx.Cancellation);
                activations = scrape.Answered ? scrape.Activations : null;
                samples.Add(new IdleSample(Math.Round(clock.Elapsed.TotalSeconds, 1), Math.Round(ctx.Sampler.Latest?.HostRssMb ?? 0, 1), activations));
            }
        }
        var to = ctx.Sampler.Now;
        var rssEnd = await ScaleScenario.RssAsync(ctx);
        var after = await HostMetrics.ScrapeAsync(metricsHttp, ctx.Target.AdminKey, ctx.Cancellation);

        // Only now touch the grains again: every map once more, for holds left HELD past their time.
        var heldPastExpiry = 0;
        var stillHeld = 0;
        var latest = TimeSpan.Zero;
        var reread = new OperationRecorder("seatmap-after-idle");
        await ScaleScenario.ReadEveryMapAsync(ctx, http, fleet, reread, "scale: every seat map after the idle period", (flight, map, readAt) =>
        {
            foreach (var (seat, view) in map.Seats.Where(s => s.Value.Status == "HELD"))
            {
                if (expiries.ContainsKey((flight, seat)))
                {
                    Interlocked.Increment(ref stillHeld);
                }
                if (view.HoldExpiresAt is { } expiresAt && readAt - expiresAt > ExpiryTolerance)
                {
                    Interlocked.Increment(ref heldPastExpiry);
                    lock (reread)
                    {
                        latest = readAt - expiresAt > latest ? readAt - expiresAt : latest;
                    }
                }
            }
        });
        ctx.Report.Add(reread);

        var report = ctx.Report;
        var rss = SeriesSummary.Of([.. ctx.Sampler.Between(from, to).Select(s => s.HostRssMb)]);
        var lastThirdMax = LastThirdMax(ctx.Sampler.Between(from, to));
        var flat = lastThirdMax <= rss.FirstThird * (1 + (FlatPercent / 100));
        var lag = after.HoldExpiryLag;
        var lastExpiry = expiries.Count == 0 ? (DateTimeOffset?)null : expiries.Values.Max();
        var activationsMin = samples.Where(s => s.Activations is not null).Select(s => s.Activations!.Value).DefaultIfEmpty(0).Min();
        report.Figures["idle"] = new JsonObject
        {
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["sampleIntervalSeconds"] = interval.TotalSeconds,
            ["rssMb"] = new JsonObject
            {
                ["beforeIdle"] = rssBefore,
                ["endOfIdle"] = rssEnd,
                ["maxDuringIdle"] = Math.Round(rss.Max, 1),
                ["firstThirdAvg"] = Math.Round(rss.FirstThird, 1),
                ["lastThirdAvg"] = Math.Round(rss.LastThird, 1),
                ["lastThirdMax"] = Math.Round(lastThirdMax, 1),
                ["growthPercent"] = rss.FirstThird > 0 ? Math.Round((rss.LastThird - rss.FirstThird) / rss.FirstThird * 100, 1) : 0,
                ["flat"] = flat,
                ["flatMeans"] = $"no RSS sample of the idle period's last third more than {FlatPercent:0} % above the first third's average (a fall is memory given back)",
            },
            ["activations"] = before.Answered && after.Answered
                ? new JsonObject
                {
                    ["beforeIdle"] = before.Activations,
                    ["endOfIdle"] = after.Activations,
                    ["minDuringIdle"] = activationsMin,
                    ["beforeIdleByType"] = before.ActivationsJson(),
                    ["endOfIdleByType"] = after.ActivationsJson(),
                }
                : new JsonObject { ["metricsStatus"] = after.Status },
            ["samples"] = new JsonArray([.. samples.Select(s => (JsonNode)new JsonObject
            {
                ["s"] = s.Seconds,
                ["rssMb"] = s.RssMb,
                ["activations"] = s.Activations,
            })]),
            ["holds"] = new JsonObject
            {
                ["count"] = expiries.Count,
                ["lastHoldExpiresAt"] = lastExpiry?.ToString("O", CultureInfo.InvariantCulture),
                ["stillHeldAfterIdle"] = stillHeld,
                ["heldPastExpiry"] = heldPastExpiry,
                ["latestPastExpirySeconds"] = Math.Round(latest.TotalSeconds, 1),
                ["toleranceSeconds"] = ExpiryTolerance.TotalSeconds,
            },
            ["holdExpiryLagSeconds"] = after.Answered ? lag.ToJson() : null,
        };

        report.Check("every read after the idle period without errors", reread.ErrorCount == 0, $"{reread.ErrorCount} errors");
        report.Check($"every hold expired on time (no seat HELD more than {ExpiryTolerance.TotalSeconds:0} s past its holdExpiresAt after the idle period)",
            heldPastExpiry == 0, $"{heldPastExpiry} seats still HELD up to {latest.TotalSeconds:0.#} s past their holdExpiresAt");
        if (lastExpiry is { } last && last + ExpiryTolerance > DateTimeOffset.UtcNow)
        {
            report.Notes.Add($"the idle period ended before the last hold's time ({last:O}): {stillHeld} holds were still running");
        }

        report.Targets.Add(new TargetCheck($"host RSS flat while idle ({Show(idle)})", $"last third <= first third's average + {FlatPercent:0} %",
            string.Create(CultureInfo.InvariantCulture, $"first third {rss.FirstThird:0} MB, last third up to {lastThirdMax:0} MB"), flat));
        report.Targets.Add(before.Answered && after.Answered
            ? new TargetCheck("host activations fall while idle", "fewer at the end", string.Create(CultureInfo.InvariantCulture,
                $"{before.Activations:0} -> {after.Activations:0}"), after.Activations < before.Activations)
            : new TargetCheck("host activations fall while idle", "fewer at the end", $"not measured (/metrics answered {after.Status})", null));
        if (after.Answered && lag.UpperBoundOf(0.99) is { } p99 && lag.UpperBoundOf(1) is { } max)
        {
            report.Targets.Add(TargetCheck.AtMost("hold expiry lag p99 (host histogram, bucket bound)", p99, 1, "s"));
            report.Targets.Add(TargetCheck.AtMost("hold expiry lag max (host histogram, bucket bound)", max, 5, "s"));
        }
        return new IdleOutcome(rssBefore, rssEnd);
    }

    private static double LastThirdMax(IReadOnlyList<ResourceSample> samples) =>
        samples.Count == 0 ? 0 : samples.TakeLast(Math.Max(1, samples.Count / 3)).Max(s => s.HostRssMb);

    private static string Show(TimeSpan span) => span.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");
}
