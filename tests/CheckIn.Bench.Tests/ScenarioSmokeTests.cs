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
    public async Task Seatmap_compares_with_nginx_and_sees_every_hold()
    {
        var json = await _run.RunAsync(log, "seatmap", SmokeRun.Embedded());

        Assert.Equal(0, (long)json["operations"]!["seatmap"]!["errors"]!["total"]!);
        Assert.True((long)json["operations"]!["seatmap-nginx"]!["count"]! > 0);
        Assert.NotNull(json["ratios"]?["throughputHostToNginx"]);
        Assert.NotNull(json["ratios"]?["p99HostToNginx"]);
        Assert.Equal(0, (int)json["visibilityLagMs"]!["neverSeen"]!);
        Assert.True((long)json["visibilityLagMs"]!["count"]! > 0);
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
    }

    [Fact]
    public async Task Holds_embedded_confirm_without_errors()
    {
        // A bare number is seconds (TimeSpan.Parse would make "2" two days).
        var json = await _run.RunAsync(log, "holds", SmokeRun.Embedded(), "--duration", "2");

        AssertHoldsWithoutErrors(json);
        Assert.Equal("00:00:02", json["options"]!["duration"]!.GetValue<string>());
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
    public async Task Scale_reports_rss_per_seat()
    {
        var json = await _run.RunAsync(log, "scale", SmokeRun.Embedded());

        Assert.True((double)json["rssMb"]!["final"]! > 0);
        Assert.True((double)json["rssPerSeatKb"]! > 0);
        Assert.Equal(0, (long)json["operations"]!["hold"]!["errors"]!["total"]!);
        Assert.Equal((long)(int)json["flights"]!, (long)json["operations"]!["seatmap-cold"]!["count"]!);
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
    }

    public void Dispose() => _run.Dispose();

    private static void AssertHoldsWithoutErrors(JsonObject json)
    {
        Assert.Equal(0, (long)json["operations"]!["hold"]!["errors"]!["total"]!);
        Assert.Equal(0, (long)json["operations"]!["confirm"]!["errors"]!["total"]!);
        Assert.True((int)json["confirmedSeats"]! > 0);
    }

    private static void AssertEveryHoldExpired(JsonObject json)
    {
        var holds = (long)json["operations"]!["hold"]!["count"]!;
        Assert.True(holds > 0);
        Assert.Equal(0, (long)json["operations"]!["hold"]!["errors"]!["total"]!);
        Assert.Equal(holds, (long)json["expiryLagMs"]!["count"]!);
        Assert.Equal(0, (int)json["expiryLagMs"]!["neverReleased"]!);
    }
}
