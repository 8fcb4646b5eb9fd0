using CheckIn.Contracts.Seats;
using CheckIn.Faults.Linearizability.Models;
using CheckIn.Grains.Seats;
using CheckIn.Grains.Telemetry;

namespace CheckIn.Faults.LinearizabilityTests;

/// <summary>
/// The checker's seat model is a restatement of the seat rules, not a call into them (a checker must not trust the
/// code it checks). Here both answer the same generated commands at the same instants, the way the grain applies its
/// rules (a due hold expires first), so a change to either that the other lacks fails.
/// </summary>
public sealed class SeatModelMatchesSeatRulesTests
{
    private static readonly TimeSpan HoldDuration = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_model_answers_every_command_as_the_seat_rules_do(int seed)
    {
        var random = new Random(seed);
        var model = new SeatModel(HoldDuration, TimeSpan.FromSeconds(2));
        var state = model.Initial;
        var record = SeatRecord.Initial;
        var now = GeneratedSeatHistories.Origin;
        for (var i = 0; i < 3000; i++)
        {
            now = now.AddMilliseconds(random.Next(3000));
            var request = new SeatRequest("1A", (SeatCommand)random.Next(3), $"P{random.Next(4)}");

            var seat = SeatRules.Expire(record, now).Record;
            var decision = request.Command switch
            {
                SeatCommand.Hold => SeatRules.Hold(seat, request.Passenger, now, HoldDuration),
                SeatCommand.Confirm => SeatRules.Confirm(seat, request.Passenger, now),
                _ => SeatRules.Release(seat, request.Passenger, now),
            };
            record = decision.Record;
            var (answer, next) = model.Apply(state, request, now);
            state = next;

            Assert.True(answer == AsAnswered(decision), $"command {i}, {request} at {now:O}: rules {AsAnswered(decision)}, model {answer}");
        }
    }

    private static SeatAnswer AsAnswered(SeatDecision decision) => decision.Error is { } error
        ? SeatAnswer.Refused(WireNames.Of(error.Code))
        : SeatAnswer.Ok(
            decision.Record.Status switch
            {
                SeatStatus.Available => SeatPhase.Available,
                SeatStatus.Held => SeatPhase.Held,
                SeatStatus.Confirmed => SeatPhase.Confirmed,
                var other => throw new InvalidOperationException($"{other} is outside the hold/confirm/release model."),
            },
            decision.Record.Status == SeatStatus.Held ? decision.Record.HoldExpiresAt : null);
}
