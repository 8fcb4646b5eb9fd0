using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.TestSupport.Hosts;
using Xunit.Abstractions;

namespace CheckIn.Api.Tests;

/// <summary>
/// README.md's curl walk-through, run as written (only <c>localhost:5080</c> replaced) with bash against a freshly
/// started embedded host, so the README cannot rot: every curl there fails the script on an error answer.
/// </summary>
public sealed class ReadmeWalkthroughTests(ITestOutputHelper log)
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromSeconds(120);
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task The_readme_walkthrough_runs_literally_against_a_fresh_host()
    {
        var blocks = ReadmeWalkthrough.Blocks(await File.ReadAllTextAsync(ReadmeWalkthrough.ReadmePath()));
        Assert.True(blocks.Count == 3, $"Expected the three marked walk-through blocks (seat and check-in, bags and payment, waitlist), found {blocks.Count}.");
        Assert.All(blocks, block => Assert.Contains(ReadmeWalkthrough.BaseAddress, block, StringComparison.Ordinal));
        using var host = EmbeddedHostProcess.Start();
        var work = Directory.CreateTempSubdirectory("readme-walkthrough-");
        try
        {
            await host.WaitUntilReadyAsync(ReadyDeadline);
            // What the test adds around the blocks: strict mode, and no background job outliving a failed script.
            var script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
                + string.Join("\n", blocks).Replace(ReadmeWalkthrough.BaseAddress, host.Http.BaseAddress!.Authority, StringComparison.Ordinal) + "\n";

            var run = await BashRun.RunAsync(script, work.FullName, ScriptDeadline);
            log.WriteLine($"exit {run.ExitCode}{Environment.NewLine}--- stdout ---{Environment.NewLine}{run.Output}{Environment.NewLine}--- stderr ---{Environment.NewLine}{run.Errors}");

            Assert.True(run.ExitCode == 0, $"The walk-through failed (exit {run.ExitCode}): {run.Errors}{Environment.NewLine}{host.Output}");
            // Each step's answer, in the script's output.
            Assert.Contains("\"seatNumber\":\"12A\",\"status\":\"HELD\"", run.Output, StringComparison.Ordinal);
            Assert.Contains("\"seatNumber\":\"12A\",\"status\":\"CONFIRMED\"", run.Output, StringComparison.Ordinal);
            Assert.Contains("\"passengerId\":\"XYZ789-1\",\"status\":\"WAITING_FOR_PAYMENT\"", run.Output, StringComparison.Ordinal);
            Assert.Contains("\"status\":\"ASSIGNED\"", run.Output, StringComparison.Ordinal);
            // The boarding pass the first block wrote.
            var pass = await File.ReadAllBytesAsync(Path.Combine(work.FullName, "pass.png"));
            Assert.Equal(PngSignature, pass.Take(PngSignature.Length));
            // And the host's state after it.
            var smith = await SessionAsync(host, "ABC123", "Smith");
            var jones = await SessionAsync(host, "XYZ789", "Jones");
            var completed = await GetAsync(host, "/api/flights/SH101/check-ins/ABC123-1", smith);
            var paid = await GetAsync(host, "/api/flights/SH101/check-ins/XYZ789-1", jones);
            var entry = await GetAsync(host, "/api/flights/SH101/waitlist/XYZ789-2", jones);
            Assert.Equal(("COMPLETED", "12A"), (completed.GetProperty("status").GetString(), completed.GetProperty("seatNumber").GetString()));
            Assert.Equal("IN_PROGRESS", paid.GetProperty("status").GetString());
            Assert.Equal("SUCCEEDED", paid.GetProperty("payments")[0].GetProperty("status").GetString());
            Assert.Equal("ASSIGNED", entry.GetProperty("status").GetString());
        }
        finally
        {
            log.WriteLine($"--- host ---{Environment.NewLine}{host.Output}");
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> SessionAsync(HostProcess host, string pnr, string lastName)
    {
        using var response = await host.Api.PostJsonAsync("/api/sessions", new { pnr, lastName });
        response.EnsureSuccessStatusCode();
        return (await CheckInApi.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(HostProcess host, string path, string token)
    {
        using var response = await host.Api.GetAsync(path, token);
        response.EnsureSuccessStatusCode();
        return await CheckInApi.ReadJsonAsync(response);
    }
}
