namespace CheckIn.Grains.Tests.Support;

/// <summary>
/// The check behind the concurrent property tests: commands ran at once against real grains; is there an order of
/// them that, applied one at a time to a model, gives every command the answer it got and ends in the state the
/// grains ended in? Tries every order (the command sets are small), dropping an order at its first wrong answer.
/// </summary>
internal static class Linearizability
{
    /// <summary>
    /// The first order (indexes into <paramref name="commands"/>) that explains what was observed, or null.
    /// <paramref name="observed"/> null checks the end state only.
    /// </summary>
    public static int[]? FindOrder<TModel, TCommand, TOutcome>(
        TModel initial,
        IReadOnlyList<TCommand> commands,
        Func<TModel, TCommand, (TModel Next, TOutcome Outcome)> step,
        IReadOnlyList<TOutcome>? observed,
        Func<TModel, string> describe,
        string observedEnd)
    {
        var order = new int[commands.Count];
        var used = new bool[commands.Count];
        return Search(initial, 0) ? order : null;

        bool Search(TModel model, int depth)
        {
            if (depth == commands.Count)
            {
                return describe(model) == observedEnd;
            }
            for (var i = 0; i < commands.Count; i++)
            {
                if (used[i])
                {
                    continue;
                }
                var (next, outcome) = step(model, commands[i]);
                if (observed is not null && !EqualityComparer<TOutcome>.Default.Equals(outcome, observed[i]))
                {
                    continue;
                }
                used[i] = true;
                order[depth] = i;
                if (Search(next, depth + 1))
                {
                    return true;
                }
                used[i] = false;
            }
            return false;
        }
    }

    /// <summary>Starts every command at once (each on its own task, released together) and collects the answers in command order.</summary>
    public static async Task<TOutcome[]> RunAtOnceAsync<TCommand, TOutcome>(IReadOnlyList<TCommand> commands, Func<TCommand, Task<TOutcome>> run)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = commands.Select(c => Task.Run(async () =>
        {
            await go.Task;
            return await run(c);
        })).ToArray();
        go.SetResult();
        return await Task.WhenAll(running);
    }
}
