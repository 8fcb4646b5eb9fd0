using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Abuse;
using CsCheck;

namespace CheckIn.Grains.Tests.Abuse;

/// <summary>
/// Random interleavings of two or three silos' fronts (spend a permit, else ask the grain; report what they spent
/// within a lease) against one <see cref="ClientWindow"/>: however they interleave, the attempts let through in any
/// minute window never exceed a limit.
/// </summary>
public sealed class PermitPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);
    private static readonly LimitedAction[] Actions = [LimitedAction.SeatMapRead, LimitedAction.SeatCommand, LimitedAction.Session];

    /// <summary>One step: a silo's request (action, flight) after some milliseconds, or (Action 0) its background report.</summary>
    public sealed record Step(int Silo, int Action, int Flight, int AfterMs);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 400], (s, a, f, ms) => new Step(s, a, f, ms));

    [Fact]
    public void Permits_never_let_two_or_three_silos_exceed_a_limit()
    {
        Gen.Select(Gen.Int[2, 3], Gen.Int[1, 12], Gen.Int[1, 6], StepGen.Array[20, 400])
            .Sample((silos, readLimit, commandLimit, steps) => Run(silos, new ClientLimits(readLimit, commandLimit, 2), steps), iter: 400, threads: 1);
    }

    private static void Run(int siloCount, ClientLimits limits, Step[] steps)
    {
        // Bursts and scrapes would block the client and end the run early: this is about the per-minute limits.
        var window = new ClientWindow(new WindowSettings(10_000, TimeSpan.FromSeconds(5), 10_000, TimeSpan.FromSeconds(2), WindowSettings.DefaultLease));
        var fronts = Enumerable.Range(0, siloCount).Select(i => new Front($"silo-{i}")).ToArray();
        var admitted = new List<(LimitedAction Action, DateTimeOffset At)>();
        var now = T0;

        foreach (var step in steps)
        {
            now += TimeSpan.FromMilliseconds(step.AfterMs);
            // Every front's loop reports attempts older than a lease (it runs every 250 ms; steps are at most 400 ms apart).
            foreach (var f in fronts.Where(f => f.Unreported.Count > 0 && f.Unreported[0].At + WindowSettings.DefaultLease < now))
            {
                f.Apply(window.Decide(f.Report(limits, null), now));
            }
            var front = fronts[step.Silo % siloCount];
            if (step.Action == 0)
            {
                front.Apply(window.Decide(front.Report(limits, null), now));
                continue;
            }
            var action = Actions[step.Action - 1];
            var flight = action == LimitedAction.SeatMapRead ? $"F{step.Flight}" : null;
            if (front.TrySpend(action, now))
            {
                front.Unreported.Add(new ClientAttempt(action, flight, now, true));
                admitted.Add((action, now));
                continue;
            }
            var decision = window.Decide(front.Report(limits, new ClientAttempt(action, flight, now, false)), now);
            Assert.NotEqual(GuardVerdict.Blocked, decision.Verdict);
            front.Apply(decision);
            if (decision.Verdict == GuardVerdict.Allowed)
            {
                admitted.Add((action, now));
            }
        }

        foreach (var action in Actions)
        {
            var seconds = admitted.Where(a => a.Action == action).Select(a => a.At.ToUnixTimeSeconds()).ToList();
            foreach (var s in seconds)
            {
                // The minute window as the grain counts it: an attempt counts from its second's start for 60 s.
                var inWindow = seconds.Count(o => o > s - 60 && o <= s);
                Assert.True(inWindow <= limits.For(action), $"{inWindow} {action} admitted in the minute up to second {s - T0.ToUnixTimeSeconds()}, limit {limits.For(action)}");
            }
        }
    }

    private sealed class Front(string siloId)
    {
        private Permits _permits = Permits.None(T0);
        private readonly int[] _spent = new int[3];

        public List<ClientAttempt> Unreported { get; } = [];

        public bool TrySpend(LimitedAction action, DateTimeOffset now)
        {
            var i = Array.IndexOf(Actions, action);
            if (now >= _permits.ValidUntil || _spent[i] >= _permits.For(action))
            {
                return false;
            }
            _spent[i]++;
            return true;
        }

        public GuardReport Report(ClientLimits limits, ClientAttempt? current)
        {
            var report = new GuardReport(siloId, limits, [.. Unreported], current);
            Unreported.Clear();
            return report;
        }

        public void Apply(WindowDecision decision)
        {
            // New permits replace what was left of the old ones (the grain dropped that reservation).
            _permits = decision.Permits;
            Array.Clear(_spent);
        }
    }
}
