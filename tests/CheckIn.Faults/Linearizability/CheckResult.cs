namespace CheckIn.Faults.Linearizability;

public enum Verdict
{
    Linearizable,
    NotLinearizable,

    /// <summary>The search hit its bound before deciding: never to be read as a pass.</summary>
    Unknown,
}

/// <summary>How much search may be spent: steps per partition (deterministic) and, optionally, wall-clock time for the whole check.</summary>
public sealed record CheckBound(long MaxStepsPerPartition, TimeSpan? MaxTime = null)
{
    public static CheckBound Default { get; } = new(50_000_000);
}

/// <summary>
/// The verdict on one partition. For a history that is not linearizable (or undecided), <see cref="LongestPrefix"/>
/// is the longest sequence of operations the search could order, and <see cref="Unordered"/> the operations at its
/// frontier (invoked before the first of the remaining ones completed) of which none could be placed next.
/// </summary>
public sealed record PartitionResult<TInput, TOutput>(
    string Partition,
    Verdict Verdict,
    int Operations,
    long Steps,
    IReadOnlyList<Operation<TInput, TOutput>> LongestPrefix,
    IReadOnlyList<Operation<TInput, TOutput>> Unordered)
{
    public string Explain() => Verdict switch
    {
        Verdict.Linearizable => $"{Partition}: linearizable ({Operations} operations, {Steps} steps)",
        _ => $"{Partition}: {Verdict} after {Steps} steps; longest linearizable prefix {LongestPrefix.Count} of {Operations} operations"
             + (LongestPrefix.Count > 0 ? $", ending with {LongestPrefix[^1]}" : "")
             + "; could not order next:" + string.Concat(Unordered.Select(o => Environment.NewLine + "  " + o)),
    };
}

/// <summary>The verdict on a whole history: not linearizable if any partition is not, unknown if any is undecided.</summary>
public sealed record CheckResult<TInput, TOutput>(IReadOnlyList<PartitionResult<TInput, TOutput>> Partitions)
{
    public Verdict Verdict =>
        Partitions.Any(p => p.Verdict == Verdict.NotLinearizable) ? Verdict.NotLinearizable
        : Partitions.Any(p => p.Verdict == Verdict.Unknown) ? Verdict.Unknown
        : Verdict.Linearizable;

    public IEnumerable<PartitionResult<TInput, TOutput>> Failures => Partitions.Where(p => p.Verdict != Verdict.Linearizable);

    public string Explain() => string.Join(Environment.NewLine, Failures.Select(p => p.Explain()).DefaultIfEmpty("linearizable"));
}
