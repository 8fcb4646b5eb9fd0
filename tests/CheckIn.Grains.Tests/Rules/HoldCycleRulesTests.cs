using CheckIn.Grains.Abuse;
using CheckIn.Grains.Seats;

namespace CheckIn.Grains.Tests.Rules;

public sealed class HoldCycleRulesTests
{
    private static readonly DateTimeOffset Start = new(2031, 5, 1, 14, 0, 0, TimeSpan.Zero);
    private static readonly RateLimitOptions Defaults = new();

    private static HoldCycleDecision Cycles(int count, TimeSpan apart)
    {
        var decision = new HoldCycleDecision(HoldCycleHistory.Empty, null);
        for (var i = 0; i < count; i++)
        {
            decision = HoldCycleRules.RecordCycle(decision.History, Start + (apart * i), Defaults);
        }
        return decision;
    }

    [Fact]
    public void Ten_cycles_within_ten_minutes_start_no_cooldown()
    {
        var decision = Cycles(10, TimeSpan.FromSeconds(30));

        Assert.Null(decision.CooldownStartedAfter);
        Assert.Null(HoldCycleRules.CooldownEnd(decision.History, Start + TimeSpan.FromMinutes(5)));
        Assert.Equal(10, decision.History.Cycles.Count);
    }

    [Fact]
    public void The_eleventh_cycle_within_ten_minutes_starts_a_ten_minute_cooldown()
    {
        var decision = Cycles(11, TimeSpan.FromSeconds(30));

        var last = Start + TimeSpan.FromSeconds(300);
        Assert.Equal(11, decision.CooldownStartedAfter);
        Assert.Equal(last + TimeSpan.FromMinutes(10), decision.History.CooldownUntil);
        Assert.Empty(decision.History.Cycles);
        Assert.Equal(last + TimeSpan.FromMinutes(10), HoldCycleRules.CooldownEnd(decision.History, last + TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1)));
        Assert.Null(HoldCycleRules.CooldownEnd(decision.History, last + TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void A_cycle_ten_minutes_old_has_left_the_window()
    {
        // Eleven cycles one minute apart: the first is exactly ten minutes old when the eleventh comes.
        var decision = Cycles(11, TimeSpan.FromMinutes(1));

        Assert.Null(decision.CooldownStartedAfter);
        Assert.Equal(10, decision.History.Cycles.Count);

        // 59.999 s apart, the first is still inside: cooldown.
        Assert.Equal(11, Cycles(11, TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1)).CooldownStartedAfter);
    }
}
