namespace CheckIn.Faults.Linearizability;

/// <summary>
/// The sequential specification a history is checked against. States are immutable values with value equality:
/// the search caches (linearized operations, state) pairs, so two equal states must compare and hash equal.
/// </summary>
public interface ISequentialModel<TState, TInput, TOutput>
    where TState : IEquatable<TState>
{
    TState Initial { get; }

    /// <summary>P-compositionality: operations of different partitions touch independent objects and are checked apart.</summary>
    string PartitionOf(TInput input);

    /// <summary>
    /// The states the object may be in after <paramref name="operation"/> takes effect in <paramref name="state"/> and
    /// answers what it answered; empty when that answer is impossible. More than one state is nondeterminism (an
    /// unknown outcome, or a time-driven rule the operation's interval does not settle). An unknown outcome accepts any
    /// output. The operation's invocation and completion times are part of it, for rules that depend on time.
    /// </summary>
    IEnumerable<TState> Step(TState state, Operation<TInput, TOutput> operation);

    /// <summary>
    /// The order in which the search tries an operation with an unknown outcome: false (the default) takes it as soon
    /// as it applies (where it was invoked, or the first point after), true first explains what follows without it and
    /// takes it only where an answer needs it. Both orders explore the same choices and reach the same verdict; the
    /// right one is a matter of how fast (see <c>PartitionSearch</c>).
    /// </summary>
    bool TryLostLast(TInput input) => false;
}
