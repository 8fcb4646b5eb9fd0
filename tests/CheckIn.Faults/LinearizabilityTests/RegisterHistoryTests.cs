using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;

namespace CheckIn.Faults.LinearizabilityTests;

/// <summary>The checker itself, on the textbook register (times in seconds from an arbitrary origin).</summary>
public sealed class RegisterHistoryTests
{
    private static readonly DateTimeOffset Origin = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private static Operation<RegisterOp, int> Write(string client, int value, double from, double to, string key = "x") =>
        Operation<RegisterOp, int>.Answered(client, RegisterOp.Write(key, value), value, Origin.AddSeconds(from), Origin.AddSeconds(to));

    private static Operation<RegisterOp, int> Read(string client, int seen, double from, double to, string key = "x") =>
        Operation<RegisterOp, int>.Answered(client, RegisterOp.Read(key), seen, Origin.AddSeconds(from), Origin.AddSeconds(to));

    private static Operation<RegisterOp, int> LostWrite(string client, int value, double from, string key = "x") =>
        Operation<RegisterOp, int>.Unanswered(client, RegisterOp.Write(key, value), Origin.AddSeconds(from));

    private static Verdict Check(params Operation<RegisterOp, int>[] history) =>
        LinearizabilityChecker.Check(new RegisterModel(), history).Verdict;

    [Fact]
    public void An_empty_history_is_linearizable() => Assert.Equal(Verdict.Linearizable, Check());

    [Fact]
    public void A_read_after_a_completed_write_sees_it() =>
        Assert.Equal(Verdict.Linearizable, Check(Write("a", 1, 0, 1), Read("b", 1, 2, 3)));

    [Fact]
    public void A_stale_read_after_a_completed_write_is_not_linearizable() =>
        Assert.Equal(Verdict.NotLinearizable, Check(Write("a", 1, 0, 1), Read("b", 0, 2, 3)));

    [Fact]
    public void A_read_of_a_value_never_written_is_not_linearizable() =>
        Assert.Equal(Verdict.NotLinearizable, Check(Write("a", 1, 0, 1), Read("b", 2, 2, 3)));

    [Fact]
    public void Reads_overlapping_a_write_may_see_either_value_in_one_order() =>
        Assert.Equal(Verdict.Linearizable, Check(Write("a", 1, 0, 10), Read("b", 0, 1, 2), Read("c", 1, 3, 4), Read("b", 1, 5, 6)));

    [Fact]
    public void Once_a_read_saw_the_new_value_no_later_read_sees_the_old_one() =>
        Assert.Equal(Verdict.NotLinearizable, Check(Write("a", 1, 0, 10), Read("b", 1, 1, 2), Read("c", 0, 3, 4)));

    [Fact]
    public void Concurrent_writes_may_land_in_either_order_but_not_both() =>
        Assert.Equal(Verdict.NotLinearizable, Check(
            Write("a", 1, 0, 5), Write("b", 2, 0, 5), Read("c", 1, 6, 7), Read("d", 2, 8, 9), Read("c", 1, 10, 11)));

    [Fact]
    public void A_lost_write_that_a_later_read_saw_must_have_taken_effect() =>
        Assert.Equal(Verdict.Linearizable, Check(LostWrite("a", 1, 0), Read("b", 1, 5, 6), Read("c", 1, 7, 8)));

    [Fact]
    public void A_lost_write_no_read_saw_may_never_have_taken_effect() =>
        Assert.Equal(Verdict.Linearizable, Check(LostWrite("a", 1, 0), Read("b", 0, 5, 6), Read("c", 0, 7, 8)));

    [Fact]
    public void A_lost_write_takes_effect_once_and_is_not_undone() =>
        Assert.Equal(Verdict.NotLinearizable, Check(LostWrite("a", 1, 0), Read("b", 0, 5, 6), Read("c", 1, 7, 8), Read("b", 0, 9, 10)));

    [Fact]
    public void A_lost_write_cannot_take_effect_before_it_was_invoked() =>
        Assert.Equal(Verdict.NotLinearizable, Check(Read("b", 1, 0, 1), LostWrite("a", 1, 2)));

    [Fact]
    public void Each_register_is_checked_on_its_own_and_the_failing_one_is_named()
    {
        var result = LinearizabilityChecker.Check(new RegisterModel(), [
            Write("a", 1, 0, 1, key: "x"), Read("b", 1, 2, 3, key: "x"),
            Write("a", 1, 0, 1, key: "y"), Read("b", 0, 2, 3, key: "y"),
            // Across registers the same values would be a violation of one register: each key is its own object.
            Read("c", 0, 4, 5, key: "z"),
        ]);

        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("y", failure.Partition);
        Assert.Equal(["x", "y", "z"], result.Partitions.Select(p => p.Partition));
    }

    [Fact]
    public void A_violation_is_explained_by_the_longest_prefix_and_the_operations_that_could_not_follow()
    {
        var stale = Read("c", 0, 4, 5);
        var result = LinearizabilityChecker.Check(new RegisterModel(), [Write("a", 1, 0, 1), Read("b", 1, 2, 3), stale]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(2, failure.LongestPrefix.Count);
        Assert.Equal([stale], failure.Unordered);
        Assert.Contains("read x", failure.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_that_hits_its_bound_is_unknown_never_a_pass()
    {
        var history = Enumerable.Range(0, 20).Select(i => Write($"c{i}", i, 0, 100)).Append(Read("r", 7, 101, 102)).ToList();

        var result = LinearizabilityChecker.Check(new RegisterModel(), history, new CheckBound(MaxStepsPerPartition: 5));

        Assert.Equal(Verdict.Unknown, result.Verdict);
        Assert.Equal(Verdict.Linearizable, LinearizabilityChecker.Check(new RegisterModel(), history).Verdict);
    }
}
