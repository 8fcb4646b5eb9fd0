using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Weight.Tests;

public sealed class FaultsApiTests
{
    private static Dictionary<string, string?> Config(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => $"WeightService:{e.Key}", e => (string?)e.Value);

    private static async Task AssertFaultsAsync(HttpClient client, int latencyMs, double failureRate, int status)
    {
        var faults = await Http.AssertOkJsonAsync(await client.GetAsync("/api/faults"));
        Assert.Equal(["latencyMs", "failureRate", "failureStatusCode"], Http.PropertyNames(faults));
        Assert.Equal(latencyMs, faults.GetProperty("latencyMs").GetInt32());
        Assert.Equal(failureRate, faults.GetProperty("failureRate").GetDouble());
        Assert.Equal(status, faults.GetProperty("failureStatusCode").GetInt32());
    }

    [Fact]
    public async Task Faults_start_from_the_configured_defaults()
    {
        await using var app = await WeightTestApp.StartAsync(Config(("LatencyMs", "250"), ("FailureRate", "0.1"), ("FailureStatusCode", "502")));

        await AssertFaultsAsync(app.Client, 250, 0.1, 502);
    }

    [Fact]
    public async Task Failure_rate_one_fails_every_weighing_only_until_the_faults_are_reset()
    {
        await using var app = await WeightTestApp.StartAsync();
        const string Url = "/api/bags/0123456789/weight";

        var set = await Http.AssertOkJsonAsync(await app.Client.PutAsync("/api/faults",
            Http.Json("""{ "latencyMs": 0, "failureRate": 1.0, "failureStatusCode": 500 }""")));
        Assert.Equal(500, set.GetProperty("failureStatusCode").GetInt32());

        for (var i = 0; i < 5; i++)
        {
            await Http.AssertProblemAsync(await app.Client.GetAsync(Url), 500, "WEIGHT_SCALE_FAULT", "bagTag");
        }
        // A bad tag is rejected before any fault; faults apply to the GET weight endpoint only.
        await Http.AssertProblemAsync(await app.Client.GetAsync("/api/bags/bad-tag/weight"), 400, "INVALID_BAG_TAG", "bagTag");
        await Http.AssertOkJsonAsync(await app.Client.PutAsync(Url, Http.Json("""{ "weightKg": 10.0 }""")));
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.DeleteAsync(Url)).StatusCode);
        await Http.AssertOkJsonAsync(await app.Client.GetAsync("/health"));

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.DeleteAsync("/api/faults")).StatusCode);

        await AssertFaultsAsync(app.Client, 0, 0, 503);
        await Http.AssertOkJsonAsync(await app.Client.GetAsync(Url));
    }

    [Fact]
    public async Task Fields_left_out_of_a_put_take_the_configured_defaults()
    {
        await using var app = await WeightTestApp.StartAsync(Config(("FailureStatusCode", "504")));

        await Http.AssertOkJsonAsync(await app.Client.PutAsync("/api/faults", Http.Json("""{ "failureRate": 1 }""")));

        await AssertFaultsAsync(app.Client, 0, 1, 504);
        await Http.AssertProblemAsync(await app.Client.GetAsync("/api/bags/A1/weight"), 504, "WEIGHT_SCALE_FAULT", "bagTag");
    }

    [Theory]
    [InlineData("""{ "latencyMs": -1 }""", "latencyMs")]
    [InlineData("""{ "latencyMs": 60001 }""", "latencyMs")]
    [InlineData("""{ "latencyMs": "slow" }""", "latencyMs")]
    [InlineData("""{ "failureRate": 1.5 }""", "failureRate")]
    [InlineData("""{ "failureRate": -0.1 }""", "failureRate")]
    [InlineData("""{ "failureStatusCode": 499 }""", "failureStatusCode")]
    [InlineData("""{ "failureStatusCode": 600 }""", "failureStatusCode")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("", "body")]
    public async Task Invalid_faults_are_rejected_and_change_nothing(string body, string field)
    {
        await using var app = await WeightTestApp.StartAsync();
        await Http.AssertOkJsonAsync(await app.Client.PutAsync("/api/faults",
            Http.Json("""{ "latencyMs": 0, "failureRate": 0.25, "failureStatusCode": 502 }""")));

        await Http.AssertProblemAsync(await app.Client.PutAsync("/api/faults", Http.Json(body)), 400, "INVALID_FAULTS", field);

        await AssertFaultsAsync(app.Client, 0, 0.25, 502);
    }

    [Fact]
    public async Task Latency_waits_on_the_injected_clock_before_weighing()
    {
        var start = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var time = new ObservedTimeProvider(new FakeTimeProvider(start));
        await using var app = await WeightTestApp.StartAsync(Config(("LatencyMs", "1500")), time);

        var request = app.Client.GetAsync("/api/bags/0123456789/weight");
        await time.TimerCreated(TimeSpan.FromMilliseconds(1500)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(request.IsCompleted, "the weighing must wait for the fake clock");

        time.Fake.Advance(TimeSpan.FromMilliseconds(1500));

        var body = await Http.AssertOkJsonAsync(await request);
        Assert.Equal(start.AddMilliseconds(1500), body.GetProperty("measuredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_random_seed_makes_failures_reproducible()
    {
        var config = Config(("RandomSeed", "42"), ("FailureRate", "0.5"));

        var first = await StatusesAsync(config);
        var second = await StatusesAsync(config);

        Assert.Equal(first, second);
        Assert.Contains(200, first);
        Assert.Contains(503, first);
    }

    private static async Task<List<int>> StatusesAsync(Dictionary<string, string?> config)
    {
        await using var app = await WeightTestApp.StartAsync(config);
        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((int)(await app.Client.GetAsync($"/api/bags/S{i}/weight")).StatusCode);
        }
        return statuses;
    }
}
