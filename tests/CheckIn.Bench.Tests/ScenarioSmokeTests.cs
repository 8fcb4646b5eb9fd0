using System.Text.Json.Nodes;

namespace CheckIn.Bench.Tests;

/// <summary>
/// Every scenario at smoke size against a host the bench starts, so the tool never rots. One class: the runs take
/// turns (each starts its own host, and the machine is small).
/// </summary>
public sealed class ScenarioSmokeTests(ITestOutputHelper log) : IDisposable
{
    private readonly SmokeRun _run = new();

    [Fact]
    public async Task Seatmap_reads_with_wrk_limits_off_then_on_and_compares_both_with_nginx()
    {
        var json = await _run.RunAsync(log, "seatmap", SmokeRun.Embedded(), "--rate-limits", "both", "--telemetry", "on");

        Assert.Equal("wrk", (string?)json["loadGenerator"]);
        Assert.Equal("both", (string?)json["options"]!["rateLimits"]);
        Assert.Equal(["limitsOffTelemetryOn", "limitsOnTelemetryOn"], json["phases"]!.AsObject().Select(p => p.Key));
        foreach (var (operation, phase) in new[] { ("seatmap-limits-off", "limitsOffTelemetryOn"), ("seatmap", "limitsOnTelemetryOn") })
        {
            Assert.Equal(0, (long)json["operations"]![operation]!["errors"]!["total"]!);
            Assert.True((long)json["operations"]![operation]!["count"]! > 0, operation);
            Assert.NotNull(json["ratios"]?[phase]?["throughputHostToNginx"]);
            Assert.NotNull(json["ratios"]?[phase]?["p99HostToNginx"]);
            Assert.Equal(0, (int)json["phases"]![phase]!["visibilityLagMs"]!["neverSeen"]!);
            Assert.True((long)json["phases"]![phase]!["visibilityLagMs"]!["count"]! > 0);
            AssertTelemetryWasOn(json, phase, operation);
        }
        Assert.True((long)json["operations"]!["seatmap-nginx"]!["count"]! > 0);
        Assert.NotNull(json["ratios"]?["throughputHostToNginx"]);
        Assert.NotNull(json["limitsOnToOff"]?["throughput"]);
        Assert.Equal("on", (string?)json["limitsOnToOff"]!["telemetry"]);
        Assert.Null(json["telemetryOnToOff"]);
        Assert.NotNull(json["phases"]!["limitsOnTelemetryOn"]!["cpu"]!["hostCpuMsPerRead"]);
        Assert.Equal(0, (int)json["phases"]!["limitsOnTelemetryOn"]!["failOpenLogLines"]!);

        var off = json["phases"]!["limitsOffTelemetryOn"]!;
        Assert.Equal("false", (string?)off["hostSettings"]!["CheckIn__RateLimiting__Enabled"]);
        Assert.Equal(0, (int)off["forwardedClients"]!);
        var on = json["phases"]!["limitsOnTelemetryOn"]!;
        Assert.Equal("true", (string?)on["hostSettings"]!["CheckIn__RateLimiting__Enabled"]);
        Assert.Equal("127.0.0.1", (string?)on["hostSettings"]!["CheckIn__TrustedProxies__0"]);
        Assert.True((int)on["forwardedClients"]! >= 256);
        Assert.True((bool)json["checks"]!["no 429 with limits on (limits on, telemetry on)"]!);
        Assert.Null(json["operations"]!["seatmap"]!["statuses"]!["429"]);
    }

    [Fact]
    public async Task Seatmap_by_default_compares_telemetry_off_then_on_with_limits_on()
    {
        var json = await _run.RunAsync(log, "seatmap", SmokeRun.Embedded());

        AssertTelemetryComparedWithLimitsOn(json);
        Assert.Equal("embedded", (string?)json["mode"]);
    }

    [Fact]
    public async Task Seatmap_durable_compares_telemetry_and_scrapes_metrics_with_the_admin_key()
    {
        // Durable hosts keep /metrics behind the admin key: the scrape proves the bench sends it.
        var json = await _run.RunAsync(log, "seatmap", SmokeRun.Durable(), "--no-nginx");

        AssertTelemetryComparedWithLimitsOn(json);
        Assert.Equal("durable", (string?)json["mode"]);
    }

    [Fact]
    public async Task Seatmap_open_loop_reports_its_schedule()
    {
        var json = await _run.RunAsync(log, "seatmap-open", SmokeRun.Embedded());

        Assert.Equal(0, (long)json["operations"]!["seatmap"]!["errors"]!["total"]!);
        Assert.True((long)json["openLoop"]!["sent"]! > 0);
        Assert.NotNull(json["openLoop"]!["unsent"]);
    }

    [Fact]
    public async Task Seatmap_stream_delivers_every_change_to_every_subscriber()
    {
        var json = await _run.RunAsync(log, "seatmap-stream", SmokeRun.Embedded());

        AssertEveryChangeReachedEverySubscriber(json);
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Seatmap_stream_durable_delivers_every_change_to_every_subscriber()
    {
        var json = await _run.RunAsync(log, "seatmap-stream", SmokeRun.Durable());

        AssertEveryChangeReachedEverySubscriber(json);
        Assert.Equal("durable", (string?)json["mode"]);
    }

    [Fact]
    public async Task Contention_has_exactly_one_winner_per_seat()
    {
        var json = await _run.RunAsync(log, "contention", SmokeRun.Embedded());

        var races = json["races"]!;
        Assert.Equal(0, (int)races["seatsWithoutWinner"]!);
        Assert.Equal(0, (int)races["seatsWithSeveralWinners"]!);
        Assert.Equal(0, (int)races["unexpectedAnswers"]!);
        var statuses = json["operations"]!["hold-race"]!["statuses"]!.AsObject();
        Assert.Equal((long)(int)races["seats"]!, (long)statuses["200"]!);
        Assert.Equal(((int)races["racersPerSeat"]! - 1) * (long)(int)races["seats"]!, (long)statuses["409"]!);
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Holds_embedded_confirm_without_errors()
    {
        // A bare number is seconds (TimeSpan.Parse would make "2" two days).
        var json = await _run.RunAsync(log, "holds", SmokeRun.Embedded(), "--duration", "2");

        AssertHoldsWithoutErrors(json);
        Assert.Equal("00:00:02", json["options"]!["duration"]!.GetValue<string>());
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Holds_durable_compare_with_pgbench_and_survive_a_crash()
    {
        var json = await _run.RunAsync(log, "holds", SmokeRun.Durable());

        AssertHoldsWithoutErrors(json);
        Assert.Equal("durable", (string?)json["mode"]);
        Assert.True((double)json["pgbench"]!["tps"]! > 0);
        Assert.NotNull(json["ratios"]?["commandsPerSecondToPgbenchTps"]);
        Assert.Equal(0, (int)json["durability"]!["afterRestartLost"]!);
        Assert.True((int)json["durability"]!["afterRestartChecked"]! > 0);
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Expiry_embedded_releases_every_hold()
    {
        var json = await _run.RunAsync(log, "expiry", SmokeRun.Embedded());

        AssertEveryHoldExpired(json);
    }

    [Fact]
    public async Task Expiry_durable_releases_every_hold()
    {
        var json = await _run.RunAsync(log, "expiry", SmokeRun.Durable());

        AssertEveryHoldExpired(json);
    }

    [Fact]
    public async Task Scale_reports_rss_per_seat_and_the_idle_period()
    {
        // Holds shorter than the idle period: they expire while the host is left alone, and the run checks they did.
        var json = await _run.RunAsync(log, "scale", SmokeRun.Embedded(), "--idle", "3s", "--hold-duration", "2s");

        Assert.True((double)json["rssMb"]!["final"]! > 0);
        Assert.True((double)json["rssMb"]!["endOfIdle"]! > 0);
        Assert.True((double)json["rssPerSeatKb"]! > 0);
        Assert.Equal(0, (long)json["operations"]!["hold"]!["errors"]!["total"]!);
        var flights = (long)(int)json["flights"]!;
        Assert.Equal(flights, (long)json["operations"]!["seatmap-cold"]!["count"]!);
        Assert.Equal(flights, (long)json["operations"]!["seatmap-after-idle"]!["count"]!);
        var idle = json["idle"]!;
        Assert.NotEmpty(idle["samples"]!.AsArray());
        Assert.True((double)idle["activations"]!["beforeIdle"]! > 0);
        Assert.True((double)idle["activations"]!["beforeIdleByType"]!["seat"]! > 0);
        Assert.Equal((int)json["heldSeats"]!, (int)idle["holds"]!["count"]!);
        Assert.Equal(0, (int)idle["holds"]!["heldPastExpiry"]!);
        Assert.NotNull(idle["rssMb"]!["flat"]);
        Assert.Equal("00:00:02", (string?)json["hostSettings"]!["CheckIn__HoldDuration"]);
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Mixed_reports_every_operation_and_the_trend()
    {
        var json = await _run.RunAsync(log, "mixed", SmokeRun.Embedded());

        var operations = json["operations"]!.AsObject();
        foreach (var name in new[] { "seatmap", "hold", "confirm", "release" })
        {
            Assert.True(operations.ContainsKey(name), $"no {name} operation");
            Assert.Equal(0, (long)operations[name]!["errors"]!["total"]!);
        }
        Assert.NotNull(json["trend"]?["rssGrowthPercent"]);
        Assert.NotNull(json["cpu"]?["hostPercentOfOneCore"]);
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Scale_out_runs_one_pinned_silo_then_two_and_measures_the_calls_crossing_silos()
    {
        // Two hosts of one cluster on the same PostgreSQL and Redis; pinned with taskset where the machine has it.
        var json = await _run.RunAsync(log, "scale-out", SmokeRun.Durable());

        var pinned = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, "taskset")));
        Assert.Equal(pinned, (bool)json["scaleOut"]!["pinned"]!);
        var operations = json["operations"]!.AsObject();
        foreach (var (phase, key, cpus) in new[] { ("one-silo", "oneSilo", new[] { "0,1" }), ("two-silos", "twoSilos", ["0", "1"]) })
        {
            foreach (var name in new[] { "seatmap", "hold", "confirm", "release" })
            {
                Assert.True((long)operations[$"{name}-{phase}"]!["count"]! > 0, $"{name}-{phase}");
                Assert.Equal(0, (long)operations[$"{name}-{phase}"]!["errors"]!["total"]!);
            }
            var figures = json["phases"]![key]!;
            Assert.Equal(pinned ? cpus : cpus.Select(_ => "not pinned"), figures["hosts"]!.AsArray().Select(h => (string?)h!["cpus"]));
            Assert.True((double)figures["totalPerSecondPerPinnedCore"]! > 0);
            foreach (var host in figures["hosts"]!.AsArray())
            {
                Assert.True((double)host!["rssMb"]!["max"]! > 0);
                Assert.True((double)host["httpRequestsCounted"]! > 0);
            }
        }
        // One silo sends nothing to another; two silos of one cluster do (round-robin requests, grains on either).
        Assert.Equal(0, (double)json["phases"]!["oneSilo"]!["orleansMessages"]!["remoteShare"]!);
        Assert.InRange((double)json["scaleOut"]!["crossSiloShareTwoSilos"]!, 0.01, 1);
        Assert.True((double)json["phases"]!["twoSilos"]!["orleansMessages"]!["remoteBytes"]! > 0);
        Assert.NotNull(json["scaleOut"]!["throughputPerCoreTwoToOne"]);
        Assert.Contains(json["targets"]!.AsArray(), t => ((string?)t!["name"])!.EndsWith("throughput per core", StringComparison.Ordinal) && (string?)t["result"] != "n/a");
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Journey_durable_completes_every_check_in_through_the_payment_webhook()
    {
        var json = await _run.RunAsync(log, "journey", SmokeRun.Durable());

        var operations = json["operations"]!.AsObject();
        foreach (var name in new[] { "start", "add-bag", "pay", "webhook-to-resume", "complete" })
        {
            Assert.Equal(0, (long)operations[name]!["errors"]!["total"]!);
            Assert.Equal((long)(int)json["journeys"]!, (long)operations[name]!["count"]!);
        }
        Assert.True((bool)json["correct"]!);
        AssertLimitsOff(json);
    }

    [Fact]
    public async Task Waitlist_durable_assigns_every_released_seat_once_in_line_order()
    {
        var json = await _run.RunAsync(log, "waitlist", SmokeRun.Durable());

        foreach (var phase in new[] { "burst", "spread" })
        {
            var figures = json["waitlist"]![phase]!;
            Assert.Equal((int)figures["assignmentsExpected"]!, (int)figures["assignmentsSeen"]!);
            Assert.Equal(0, (int)figures["seatsAssignedTwice"]!);
            Assert.Equal(0, (long)json["operations"]![$"release-{phase}"]!["errors"]!["total"]!);
            Assert.Equal((long)(int)figures["released"]!, (long)json["operations"]![$"release-to-assigned-{phase}"]!["count"]!);
        }
        Assert.True((bool)json["correct"]!);
        AssertLimitsOff(json);
    }

    public void Dispose() => _run.Dispose();

    private static void AssertHoldsWithoutErrors(JsonObject json)
    {
        Assert.Equal(0, (long)json["operations"]!["hold"]!["errors"]!["total"]!);
        Assert.Equal(0, (long)json["operations"]!["confirm"]!["errors"]!["total"]!);
        Assert.True((int)json["confirmedSeats"]! > 0);
    }

    /// <summary>
    /// Scenarios that send far more than one client's limits from one address start the host with limits off; their
    /// host records metrics and traces as it ships (telemetry on).
    /// </summary>
    private static void AssertLimitsOff(JsonObject json)
    {
        Assert.Equal("off", (string?)json["options"]!["rateLimits"]);
        Assert.Equal("false", (string?)json["hostSettings"]!["CheckIn__RateLimiting__Enabled"]);
        Assert.Equal("on", (string?)json["options"]!["telemetry"]);
        Assert.Equal("true", (string?)json["hostSettings"]!["CheckIn__Telemetry__Enabled"]);
    }

    /// <summary>seatmap's default: limits on, the host run with telemetry off, then on; both figures and their ratio.</summary>
    private static void AssertTelemetryComparedWithLimitsOn(JsonObject json)
    {
        Assert.Equal("on", (string?)json["options"]!["rateLimits"]);
        Assert.Equal("both", (string?)json["options"]!["telemetry"]);
        Assert.Equal(["limitsOnTelemetryOff", "limitsOnTelemetryOn"], json["phases"]!.AsObject().Select(p => p.Key));

        var off = json["phases"]!["limitsOnTelemetryOff"]!;
        Assert.Equal("off", (string?)off["telemetry"]);
        Assert.Equal("false", (string?)off["hostSettings"]!["CheckIn__Telemetry__Enabled"]);
        Assert.Equal("true", (string?)off["hostSettings"]!["CheckIn__RateLimiting__Enabled"]);
        // Telemetry off: the host serves no /metrics at all.
        Assert.Equal(404, (int)off["metricsScrape"]!["status"]!);
        Assert.True((bool)json["checks"]!["telemetry off: /metrics not served (limits on, telemetry off)"]!);
        Assert.True((long)json["operations"]!["seatmap-telemetry-off"]!["count"]! > 0);
        Assert.Equal(0, (long)json["operations"]!["seatmap-telemetry-off"]!["errors"]!["total"]!);
        Assert.Equal(0, (int)off["visibilityLagMs"]!["neverSeen"]!);

        var on = json["phases"]!["limitsOnTelemetryOn"]!;
        Assert.Equal("on", (string?)on["telemetry"]);
        Assert.Equal("true", (string?)on["hostSettings"]!["CheckIn__RateLimiting__Enabled"]);
        AssertTelemetryWasOn(json, "limitsOnTelemetryOn", "seatmap");
        Assert.Equal(0, (long)json["operations"]!["seatmap"]!["errors"]!["total"]!);
        Assert.Equal(0, (int)on["visibilityLagMs"]!["neverSeen"]!);

        // Both figures at the same load (same wrk connections and script) and their ratio, with the 10 % target.
        var ratio = json["telemetryOnToOff"]!;
        Assert.Equal("on", (string?)ratio["rateLimits"]);
        foreach (var figure in new[] { "throughput", "p50", "p99", "hostCpuPerRead" })
        {
            Assert.True((double?)ratio[figure] > 0, $"telemetryOnToOff.{figure}");
        }
        Assert.Equal((double)json["operations"]!["seatmap-telemetry-off"]!["throughputPerSecond"]!, (double)ratio["off"]!["readsPerSecond"]!);
        Assert.Equal((double)json["operations"]!["seatmap"]!["throughputPerSecond"]!, (double)ratio["on"]!["readsPerSecond"]!);
        var targets = json["targets"]!.AsArray().Select(t => (string?)t!["name"]).ToList();
        Assert.Contains("throughput telemetry on vs off, same run (limits on)", targets);
        Assert.Contains("p99 telemetry on vs off, same run (limits on)", targets);
        Assert.Null(json["limitsOnToOff"]);
    }

    /// <summary>Telemetry on: the scrape after the run answered with ASP.NET Core's request histogram, which counted the reads.</summary>
    private static void AssertTelemetryWasOn(JsonObject json, string phase, string operation)
    {
        var figures = json["phases"]![phase]!;
        Assert.Equal("true", (string?)figures["hostSettings"]!["CheckIn__Telemetry__Enabled"]);
        var scrape = figures["metricsScrape"]!;
        Assert.Equal(200, (int)scrape["status"]!);
        Assert.True((bool)scrape["has_http_server_request_duration_seconds"]!);
        Assert.True((double)scrape["httpServerRequestsCounted"]! >= (long)json["operations"]![operation]!["count"]!);
    }

    private static void AssertEveryChangeReachedEverySubscriber(JsonObject json)
    {
        var stream = json["stream"]!;
        var subscribers = (int)stream["subscribers"]!;
        var changes = (int)stream["changes"]!;
        Assert.Equal((int)json["options"]!["subscribers"]!, subscribers);
        Assert.True(subscribers > 1 && changes > 1, $"{subscribers} subscribers, {changes} changes");
        Assert.Equal((int)stream["changesPlanned"]!, changes);
        Assert.Equal(changes, (int)stream["changesPublished"]!);
        Assert.Equal((long)subscribers * changes, (long)stream["expectedDeliveries"]!);
        Assert.Equal((long)stream["expectedDeliveries"]!, (long)stream["delivered"]!);
        Assert.Equal(0, (long)stream["missed"]!);
        Assert.Equal((long)stream["delivered"]!, (long)stream["deliveredBySeatsEvent"]! + (long)stream["deliveredByFullMap"]!);
        Assert.Equal(0, (int)stream["failedStreams"]!);
        Assert.Equal(0, (long)stream["versionRegressions"]!);
        Assert.Equal((long)stream["delivered"]!, (long)json["operations"]!["change-to-event"]!["count"]!);
        Assert.Equal((long)changes, (long)json["operations"]!["seat-command"]!["count"]!);
        Assert.Equal((long)subscribers, (long)json["operations"]!["subscribe"]!["count"]!);
        foreach (var percentile in new[] { "p50", "p90", "p99", "p999", "max" })
        {
            Assert.NotNull(stream["changeToEventMs"]?[percentile]);
        }
        Assert.True((double)stream["hostRssMb"]!["withStreams"]! > 0);
        Assert.NotNull(stream["hostCpuAtRest"]?["withStreams"]);
        Assert.True((double)stream["hostCpuMsPerDelivery"]! > 0);
        Assert.NotNull(json["cpu"]?["hostPercentOfOneCore"]);
        Assert.True((double)json["rssMb"]!["host"]!["max"]! > 0);
        Assert.True(json["stream"]!.AsObject().ContainsKey("hostCounters"));
    }

    private static void AssertEveryHoldExpired(JsonObject json)
    {
        AssertLimitsOff(json);
        var holds = (long)json["operations"]!["hold"]!["count"]!;
        Assert.True(holds > 0);
        Assert.Equal(0, (long)json["operations"]!["hold"]!["errors"]!["total"]!);
        Assert.Equal(holds, (long)json["expiryLagMs"]!["count"]!);
        Assert.Equal(0, (int)json["expiryLagMs"]!["neverReleased"]!);
    }
}
