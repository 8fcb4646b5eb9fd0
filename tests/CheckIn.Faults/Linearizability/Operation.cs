namespace CheckIn.Faults.Linearizability;

/// <summary>
/// What a client learned about one operation: its output, or nothing (a timeout, a dropped connection, a 5xx after
/// which the command may or may not have been applied).
/// </summary>
public sealed record Outcome<TOutput>
{
    private Outcome(bool isKnown, TOutput? output)
    {
        IsKnown = isKnown;
        Output = output;
    }

    public bool IsKnown { get; }

    /// <summary>The answer; meaningful only when <see cref="IsKnown"/>.</summary>
    public TOutput? Output { get; }

    public static Outcome<TOutput> Unknown { get; } = new(false, default);

    public static Outcome<TOutput> Ok(TOutput output) => new(true, output);

    public override string ToString() => IsKnown ? $"{Output}" : "unknown";
}

/// <summary>
/// One entry of a recorded history: who asked, what, what came back, and when it was invoked and completed on the
/// recorder's clock. An unknown outcome completes at +infinity (<see cref="DateTimeOffset.MaxValue"/>): it may take
/// effect at any point after its invocation, or never.
/// </summary>
public sealed record Operation<TInput, TOutput>
{
    public Operation(string client, TInput input, Outcome<TOutput> outcome, DateTimeOffset invoked, DateTimeOffset completed)
    {
        if (!outcome.IsKnown)
        {
            completed = DateTimeOffset.MaxValue;
        }
        if (completed < invoked)
        {
            throw new ArgumentException($"Operation of {client} completes ({completed:O}) before it is invoked ({invoked:O}).", nameof(completed));
        }
        Client = client;
        Input = input;
        Outcome = outcome;
        Invoked = invoked;
        Completed = completed;
    }

    public string Client { get; }

    public TInput Input { get; }

    public Outcome<TOutput> Outcome { get; }

    public DateTimeOffset Invoked { get; }

    public DateTimeOffset Completed { get; }

    public static Operation<TInput, TOutput> Answered(string client, TInput input, TOutput output, DateTimeOffset invoked, DateTimeOffset completed) =>
        new(client, input, Outcome<TOutput>.Ok(output), invoked, completed);

    public static Operation<TInput, TOutput> Unanswered(string client, TInput input, DateTimeOffset invoked) =>
        new(client, input, Outcome<TOutput>.Unknown, invoked, DateTimeOffset.MaxValue);

    public override string ToString() =>
        $"{Client}: {Input} -> {Outcome} [{Invoked:HH:mm:ss.fff}, {(Outcome.IsKnown ? Completed.ToString("HH:mm:ss.fff") : "∞")}]";
}
