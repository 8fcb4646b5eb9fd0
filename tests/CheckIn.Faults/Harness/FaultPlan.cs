namespace CheckIn.Faults.Harness;

public enum FaultKind
{
    /// <summary><c>kill -9</c> of a host, restarted on the same HTTP, silo and gateway ports.</summary>
    KillRestartSameAddress,

    /// <summary><c>kill -9</c> of a host, restarted on new silo and gateway ports (a rescheduled container).</summary>
    KillRestartNewAddress,

    /// <summary><c>SIGTERM</c> of a host (a rolling deploy), restarted once it has left.</summary>
    TerminateRestart,

    /// <summary>SIGSTOP of PostgreSQL's processes for <see cref="ScheduledFault.Duration"/>, then SIGCONT.</summary>
    PausePostgres,

    /// <summary>Redis shut down without saving and started again, empty, after <see cref="ScheduledFault.Duration"/>.</summary>
    RestartRedis,
}

/// <summary>One fault of a run: what, when (from the workload's start), on which host, and for how long.</summary>
public sealed record ScheduledFault(FaultKind Kind, TimeSpan At, int Host, TimeSpan Duration);

/// <summary>How big a run is: the CI-sized one in the test command, or a soak.</summary>
public sealed record FaultProfile(string Name, TimeSpan Workload, int Workers, int Rounds, TimeSpan HoldDuration)
{
    /// <summary>One round of every fault kind in about 80 s of workload: what the README's test command runs.</summary>
    public static FaultProfile Ci { get; } = new("ci", TimeSpan.FromSeconds(80), Workers: 8, Rounds: 1, HoldDuration: TimeSpan.FromSeconds(6));

    /// <summary>Five rounds in about 7 minutes (<c>scripts/faults.sh --soak</c>).</summary>
    public static FaultProfile Soak { get; } = new("soak", TimeSpan.FromSeconds(420), Workers: 12, Rounds: 5, HoldDuration: TimeSpan.FromSeconds(6));
}

/// <summary>
/// The faults of a run, drawn from its seed: each round has every kind once, in a shuffled order, on random hosts,
/// at jittered times, one at a time with the cluster given time to heal in between. The same seed and profile give
/// the same schedule.
/// </summary>
public static class FaultPlan
{
    /// <summary>Quiet time at the start (the workload warms up) and at the end (the last fault heals under load).</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(8);

    public static IReadOnlyList<ScheduledFault> For(FaultProfile profile, int seed, int hosts)
    {
        var random = new Random(seed);
        var kinds = Enum.GetValues<FaultKind>();
        var slots = profile.Rounds * kinds.Length;
        var slot = (profile.Workload - Margin - Margin) / slots;
        var faults = new List<ScheduledFault>(slots);
        for (var round = 0; round < profile.Rounds; round++)
        {
            foreach (var kind in kinds.OrderBy(_ => random.Next()))
            {
                var index = faults.Count;
                var jitter = slot * (random.NextDouble() * 0.3);
                var duration = kind switch
                {
                    FaultKind.PausePostgres => TimeSpan.FromSeconds(2 + random.Next(3)),
                    FaultKind.RestartRedis => TimeSpan.FromSeconds(1 + random.Next(2)),
                    _ => TimeSpan.Zero,
                };
                faults.Add(new ScheduledFault(kind, Margin + (slot * index) + jitter, random.Next(hosts), duration));
            }
        }
        return faults;
    }
}
