using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;

namespace CheckIn.Faults.LinearizabilityTests;

/// <summary>The search on long histories: thousands of commands per seat, overlapping, with holds expiring (10 s).</summary>
public sealed class GeneratedSeatHistoryTests
{
    private static readonly SeatModel Model = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));

    // These histories take about 3,000 steps per 2,500-command seat. Without the (linearized set, state) cache the
    // search explores orders again and again: seed 2 then passes 100,000 steps and answers Unknown.
    private static readonly CheckBound Bound = new(MaxStepsPerPartition: 100_000);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_long_history_generated_from_the_rules_is_linearizable(int seed)
    {
        var history = GeneratedSeatHistories.Generate(Model, seed, ["1A", "1B"], operationsPerSeat: 2500, lostShare: 0.003);

        var result = LinearizabilityChecker.Check(Model, history, Bound);

        Assert.True(result.Verdict == Verdict.Linearizable, result.Explain());
        // The history exercises what it should: expiries seen by their holders, and lost answers.
        Assert.Contains(history, o => o.Outcome.IsKnown && o.Outcome.Output!.Code == SeatCodes.HoldExpired);
        Assert.Contains(history, o => !o.Outcome.IsKnown);
        Assert.Equal(5000, result.Partitions.Sum(p => p.Operations));
        Assert.All(result.Partitions, p => Assert.True(p.Steps < Bound.MaxStepsPerPartition, $"{p.Partition}: {p.Steps} steps"));
    }

    [Fact]
    public void A_double_booking_at_the_end_of_a_long_history_is_found_and_explained()
    {
        var history = GeneratedSeatHistories.Generate(Model, 4, ["1A"], operationsPerSeat: 2500, lostShare: 0);
        var end = history.Max(o => o.Completed).AddMinutes(5);
        var seat = new SeatRequest("1A", SeatCommand.Hold, "X");
        history.Add(Operation<SeatRequest, SeatAnswer>.Answered("X", seat, SeatAnswer.Ok(SeatPhase.Held, end.AddSeconds(10.5)), end, end.AddSeconds(1)));
        history.Add(Operation<SeatRequest, SeatAnswer>.Answered("Y", seat with { Passenger = "Y" }, SeatAnswer.Ok(SeatPhase.Held, end.AddSeconds(10.5)), end, end.AddSeconds(1)));

        var result = LinearizabilityChecker.Check(Model, history, Bound);

        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("1A", failure.Partition);
        Assert.True(failure.LongestPrefix.Count >= 2500, $"prefix {failure.LongestPrefix.Count}");
        Assert.Contains(failure.Unordered, o => o.Client is "X" or "Y");
    }
}
