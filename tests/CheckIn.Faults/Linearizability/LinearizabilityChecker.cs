using System.Diagnostics;

namespace CheckIn.Faults.Linearizability;

/// <summary>
/// Checks a concurrent history against a sequential model: is there one order of its operations, consistent with real
/// time (an operation that completed before another was invoked comes first), in which every answer is the model's?
/// The history is split by the model's partition (Horn &amp; Kroening's P-compositionality: a history is linearizable
/// iff each object's sub-history is) and each partition is searched on its own.
/// </summary>
public static class LinearizabilityChecker
{
    public static CheckResult<TInput, TOutput> Check<TState, TInput, TOutput>(
        ISequentialModel<TState, TInput, TOutput> model,
        IEnumerable<Operation<TInput, TOutput>> history,
        CheckBound? bound = null)
        where TState : IEquatable<TState>
        where TInput : notnull
    {
        bound ??= CheckBound.Default;
        var clock = Stopwatch.StartNew();
        var partitions = history
            .GroupBy(o => model.PartitionOf(o.Input), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PartitionSearch<TState, TInput, TOutput>(model, g.Key, [.. g], bound, clock).Run())
            .ToList();
        return new CheckResult<TInput, TOutput>(partitions);
    }
}
