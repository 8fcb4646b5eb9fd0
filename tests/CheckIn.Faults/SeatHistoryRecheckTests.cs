using System.Diagnostics;
using CheckIn.Faults.Harness;
using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;
using CheckIn.Faults.LinearizabilityTests;
using Xunit.Abstractions;

namespace CheckIn.Faults;

/// <summary>
/// A recorded seat history checked again as the fault run checks it (its model, tolerance and bound):
/// <c>scripts/faults.sh --recheck FILE</c> sets <c>CHECKIN_FAULTS_RECHECK</c> to a run's <c>seat-history.jsonl</c>, to
/// look into a verdict or measure the checker on it. Without it, a generated history of the soak's kind is written to a
/// file and read back first (the file format's round trip).
/// </summary>
public sealed class SeatHistoryRecheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_recorded_seat_history_is_checked_again_from_its_file()
    {
        var path = Environment.GetEnvironmentVariable("CHECKIN_FAULTS_RECHECK");
        var holdDuration = FaultProfile.Soak.HoldDuration;
        List<Operation<SeatRequest, SeatAnswer>> history;
        if (path is { Length: > 0 })
        {
            history = SeatHistoryFile.Read(path);
        }
        else
        {
            var written = PausedSeatHistories.Generate(new SeatModel(holdDuration, FaultChecks.ExpiryTolerance), 1, passengers: 12, commands: 8000, pause: TimeSpan.FromSeconds(3));
            path = Path.Combine(Path.GetTempPath(), $"seat-history-{Guid.NewGuid():N}.jsonl");
            await SeatHistoryFile.WriteAsync(path, written);
            history = SeatHistoryFile.Read(path);
            File.Delete(path);
            Assert.Equal(written.OrderBy(o => o.Invoked), history);
        }

        var timer = Stopwatch.StartNew();
        var result = FaultChecks.CheckSeats(history, holdDuration);
        var seconds = timer.Elapsed.TotalSeconds;

        foreach (var seat in result.Partitions)
        {
            output.WriteLine($"{seat.Partition}: {seat.Verdict}, {seat.Operations} operations ({history.Count(o => o.Input.Seat == seat.Partition && !o.Outcome.IsKnown)} lost), {seat.Steps} steps");
        }
        output.WriteLine($"{path}: {history.Count} operations, {result.Verdict} in {seconds:F1} s");
        Assert.True(result.Verdict == Verdict.Linearizable, result.Explain());
    }
}
