using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;

namespace CheckIn.Faults.LinearizabilityTests;

/// <summary>
/// One hot seat's history as the fault suite's soak records it (Workload.SeatWorkerAsync): passengers, one client
/// each, hold one of six hot seats, confirm or release the seat they hold, again and again; the recorder adds a release
/// of this seat with an unknown outcome whenever a passenger who may own it holds another seat (Workload.Record), which
/// took effect only if that hold succeeded. Halfway through, the database pauses: P0's hold of the seat waits it out
/// and is answered only when it ends (when the seat's holder has just moved away), while the others go on; P0 then
/// confirms it. Commands take effect one after another at known instants, so the history is linearizable by
/// construction; a fixed seed makes every run the same.
/// </summary>
internal static class PausedSeatHistories
{
    public static readonly DateTimeOffset Origin = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private const string Seat = "1A";

    public static List<Operation<SeatRequest, SeatAnswer>> Generate(SeatModel model, int seed, int passengers, int commands, TimeSpan pause)
    {
        var random = new Random(seed);
        var history = new List<Operation<SeatRequest, SeatAnswer>>();
        var mayOwn = new HashSet<string>(StringComparer.Ordinal);
        var state = model.Initial;
        var now = Origin;
        DateTimeOffset? paused = null;
        void Record(string passenger, SeatCommand command, DateTimeOffset at, int latencyMs)
        {
            var request = new SeatRequest(Seat, command, passenger);
            (var answer, state) = model.Apply(state, request, at);
            history.Add(Operation<SeatRequest, SeatAnswer>.Answered(passenger, request, answer, at.AddMilliseconds(-random.Next(latencyMs)), at.AddMilliseconds(random.Next(latencyMs))));
            if (answer.Status is SeatPhase.Held or SeatPhase.Confirmed)
            {
                mayOwn.Add(passenger);
            }
            else if (answer.Status == SeatPhase.Available || answer.Code is SeatCodes.NotHolder or SeatCodes.HoldExpired)
            {
                mayOwn.Remove(passenger);
            }
        }
        void MoveAway(string passenger, DateTimeOffset at, bool granted)
        {
            if (mayOwn.Contains(passenger))
            {
                history.Add(Operation<SeatRequest, SeatAnswer>.Unanswered(passenger, new SeatRequest(Seat, SeatCommand.Release, passenger), at));
            }
            if (granted)
            {
                mayOwn.Remove(passenger);
                if (state.IsOwnedBy(passenger))
                {
                    state = model.Apply(state, new SeatRequest(Seat, SeatCommand.Release, passenger), at.AddMilliseconds(1)).Next;
                }
            }
        }
        for (var i = 0; i < commands; i++)
        {
            now = now.AddMilliseconds(2 + random.Next(3));
            if (i == commands / 2)
            {
                paused = now;
            }
            if (paused is { } from && now >= from + pause)
            {
                // The pause ends: the holder moves away, P0's waiting hold takes the seat and P0 confirms it.
                paused = null;
                if (state.Holder is { } holder && holder != "P0")
                {
                    MoveAway(holder, now.AddMilliseconds(-3), granted: true);
                }
                var request = new SeatRequest(Seat, SeatCommand.Hold, "P0");
                (var answer, state) = model.Apply(state, request, now);
                history.Add(Operation<SeatRequest, SeatAnswer>.Answered("P0", request, answer, from, now.AddMilliseconds(1)));
                mayOwn.Add("P0");
                Record("P0", SeatCommand.Confirm, now.AddMilliseconds(3), 1);
                continue;
            }
            var passenger = $"P{random.Next(paused is null ? 0 : 1, passengers)}";
            var roll = random.Next(100);
            var owns = mayOwn.Contains(passenger);
            if (roll < 55)
            {
                if (random.Next(6) == 0)
                {
                    Record(passenger, SeatCommand.Hold, now, 4);
                }
                else
                {
                    MoveAway(passenger, now, granted: random.Next(3) == 0);
                }
            }
            else if (owns ? random.Next(4) > 0 : random.Next(6) == 0)
            {
                Record(passenger, roll < 80 ? SeatCommand.Confirm : SeatCommand.Release, now, 4);
            }
        }
        return history;
    }
}
