using System.Text.Json.Nodes;
using CheckIn.Bench;

namespace CheckIn.Bench.Tests;

/// <summary>
/// One benchmark run at smoke size, in-process through the bench's own entry point, with its results in a
/// temporary folder. Asserts that the run completed and wrote a well-formed result whose correctness checks held;
/// never a timing (the benchmark reports those, the tests do not judge them).
/// </summary>
internal sealed class SmokeRun : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("checkin-bench-smoke-").FullName;

    public static string[] Durable() =>
    [
        "--start-host", "durable",
        "--postgres", Require("CHECKIN_TEST_POSTGRES"),
        "--redis", Require("CHECKIN_TEST_REDIS"),
    ];

    public static string[] Embedded() => ["--start-host", "embedded"];

    public async Task<JsonObject> RunAsync(ITestOutputHelper log, string scenario, string[] target, params string[] extra)
    {
        var captured = new StringWriter();
        var output = TextWriter.Synchronized(captured);
        string[] args = [scenario, "--smoke", .. target, "--results-dir", _results, .. extra];
        var exit = await BenchApp.RunAsync(args, output, CancellationToken.None);
        // The synchronized wrapper's ToString() is its type name: read what it wrote from the writer it wraps.
        var text = captured.ToString();
        log.WriteLine(text);
        Assert.True(exit == 0, $"`{string.Join(' ', args)}` exited with {exit}:{Environment.NewLine}{text}");

        var file = Assert.Single(Directory.GetFiles(_results, $"*-{scenario}-*.json"));
        Assert.True(File.Exists(Path.ChangeExtension(file, ".md")), "the markdown summary is missing");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        AssertWellFormed(json, scenario);
        return json;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_results, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The fields every result has (the contract), and every correctness check held.</summary>
    private static void AssertWellFormed(JsonObject json, string scenario)
    {
        Assert.Equal(scenario, (string?)json["scenario"]);
        Assert.Contains((string?)json["mode"], new[] { "embedded", "durable", "external" });
        Assert.False(string.IsNullOrEmpty((string?)json["commit"]));
        Assert.True(DateTimeOffset.TryParse((string?)json["date"], System.Globalization.CultureInfo.InvariantCulture, out _));
        var machine = Assert.IsType<JsonObject>(json["machine"]);
        Assert.True((int)machine["cores"]! > 0);
        Assert.False(string.IsNullOrEmpty((string?)machine["cpuModel"]));
        Assert.True((double)machine["memoryGb"]! > 0);
        Assert.IsType<JsonObject>(json["options"]);
        Assert.False(string.IsNullOrEmpty((string?)json["command"]));

        var operations = Assert.IsType<JsonObject>(json["operations"]);
        Assert.NotEmpty(operations);
        foreach (var (name, op) in operations)
        {
            Assert.True(op!["count"] is not null, $"{name}.count");
            Assert.True(op["errors"]?["total"] is not null, $"{name}.errors.total");
            Assert.True(op["throughputPerSecond"] is not null, $"{name}.throughputPerSecond");
            foreach (var percentile in new[] { "p50", "p90", "p99", "p999", "max" })
            {
                Assert.True(op["latencyMs"]?[percentile] is not null, $"{name}.latencyMs.{percentile}");
            }
        }

        var checks = Assert.IsType<JsonObject>(json["checks"]);
        Assert.NotEmpty(checks);
        foreach (var (name, holds) in checks)
        {
            Assert.True((bool)holds!, $"correctness check failed: {name}");
        }
        Assert.True((bool)json["correct"]!);
        Assert.NotEmpty(Assert.IsType<JsonArray>(json["targets"]));
    }

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: durable smoke runs need PostgreSQL and Redis (bash scripts/services.sh start /tmp/svc && source /tmp/svc/env).");
}
