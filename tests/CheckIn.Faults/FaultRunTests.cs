using System.Globalization;
using CheckIn.Faults.Harness;
using Xunit.Abstractions;

namespace CheckIn.Faults;

/// <summary>
/// The fault suite: a real three-process cluster on its own PostgreSQL and Redis under the seed's faults (README
/// "Fault suite"). The test command runs the CI-sized profile; <c>scripts/faults.sh --soak</c> the long one.
/// <c>CHECKIN_FAULTS_SEED</c> replays a seed, <c>CHECKIN_FAULTS_PROFILE</c> picks the profile.
/// </summary>
public sealed class FaultRunTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Faults")]
    public async Task A_three_process_cluster_under_faults_keeps_every_promise()
    {
        var seed = Environment.GetEnvironmentVariable("CHECKIN_FAULTS_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1, 1_000_000);
        var profile = Environment.GetEnvironmentVariable("CHECKIN_FAULTS_PROFILE") == "soak" ? FaultProfile.Soak : FaultProfile.Ci;
        output.WriteLine($"fault run: profile {profile.Name}, seed {seed} (replay: CHECKIN_FAULTS_SEED={seed})");
        var run = new FaultRun(profile, seed, line => output.WriteLine(line));
        FaultReport report;
        try
        {
            report = await run.RunAsync();
        }
        finally
        {
            output.WriteLine($"host logs: {string.Join(", ", run.HostLogs)}");
        }

        var json = report.ToJson();
        var folder = Path.Combine(FaultServices.RepositoryRoot(), "artifacts", "faults");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.json"), json);
        output.WriteLine(json);

        Assert.True(report.Anomalies.Count == 0, $"seed {seed}: {string.Join(Environment.NewLine, report.Anomalies)}");
        Assert.Equal(0, report.Status500);
        Assert.Equal(profile.Rounds * Enum.GetValues<FaultKind>().Length, report.Faults.Count);
        Assert.True(report.OperationsByKind.GetValueOrDefault("hold") > 100, $"the workload made too few holds: {json}");
    }
}
