using CheckIn.Grains.Abuse;
using CheckIn.Grains.Seats;
using CsCheck;

namespace CheckIn.Grains.Tests.Models;

/// <summary>
/// <see cref="HoldCycleRules"/> against a model of the seat-locking rule (README's rate-limit table: more than
/// <c>HoldCycles</c> hold cycles within <c>HoldCycleWindow</c> start a <c>HoldCooldown</c>, after which the count starts
/// afresh), over generated cycles and questions with the clock advancing across the window and the cooldown.
/// </summary>
public sealed class HoldCycleModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A step: after Seconds (0–300 in 30 s steps, so the 10 min window and cooldown are hit exactly), a cycle or a question.</summary>
    public sealed record Step(bool Cycle, int Seconds)
    {
        public override string ToString() => $"+{Seconds}s {(Cycle ? "cycle" : "may hold?")}";
    }

    [Fact]
    public void Hold_cycle_rules_agree_with_the_model()
    {
        var steps = Gen.Select(Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false))), Gen.Int[0, 10], (c, s) => new Step(c, s * 30));
        Gen.Select(Gen.Int[1, 4], steps.Array[1, 40]).Sample(Run, iter: 3_000, threads: 1,
            print: t => $"HoldCycles={t.Item1}: {string.Join(", ", t.Item2.Select(s => s.ToString()))}");
    }

    private static void Run(int limit, Step[] steps)
    {
        var options = new RateLimitOptions { HoldCycles = limit, HoldCycleWindow = TimeSpan.FromMinutes(10), HoldCooldown = TimeSpan.FromMinutes(10) };
        var now = T0;
        var history = HoldCycleHistory.Empty;
        var cycles = new List<DateTimeOffset>();
        DateTimeOffset? until = null;
        foreach (var step in steps)
        {
            now += TimeSpan.FromSeconds(step.Seconds);
            if (step.Cycle)
            {
                var decision = HoldCycleRules.RecordCycle(history, now, options);
                history = decision.History;

                // The model: every cycle since the last cooldown began; those in the last 10 min count.
                cycles.Add(now);
                var inWindow = cycles.Count(at => now - at < TimeSpan.FromMinutes(10));
                int? started = null;
                if (inWindow > limit)
                {
                    started = inWindow;
                    until = now + TimeSpan.FromMinutes(10);
                    cycles.Clear();
                }
                Assert.Equal(started, decision.CooldownStartedAfter);
                Assert.True(history.Cycles.Count <= limit);
            }
            Assert.Equal(until > now ? until : null, HoldCycleRules.CooldownEnd(history, now));
        }
    }
}
