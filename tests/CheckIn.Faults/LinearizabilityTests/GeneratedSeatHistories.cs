using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;

namespace CheckIn.Faults.LinearizabilityTests;

/// <summary>
/// Histories generated from the seat model itself: commands take effect one after another at known instants (so the
/// history is linearizable by construction), and each is recorded with an interval around its instant wide enough to
/// overlap its neighbours; a few lose their answer. A fixed seed makes every run the same.
/// </summary>
internal static class GeneratedSeatHistories
{
    public static readonly DateTimeOffset Origin = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    public static List<Operation<SeatRequest, SeatAnswer>> Generate(SeatModel model, int seed, string[] seats, int operationsPerSeat, double lostShare)
    {
        var random = new Random(seed);
        var history = new List<Operation<SeatRequest, SeatAnswer>>();
        foreach (var seat in seats)
        {
            var state = model.Initial;
            var now = Origin;
            for (var i = 0; i < operationsPerSeat; i++)
            {
                // About one command a second, each recorded up to 2.5 s either side of its instant: up to ~5 overlap.
                now = now.AddMilliseconds(200 + random.Next(1600));
                var passenger = $"P{random.Next(5)}";
                var command = random.Next(10) switch
                {
                    < 5 => SeatCommand.Hold,
                    < 7 => SeatCommand.Confirm,
                    _ => SeatCommand.Release,
                };
                var request = new SeatRequest(seat, command, passenger);
                var (answer, next) = model.Apply(state, request, now);
                var invoked = now.AddMilliseconds(-random.Next(2500));
                if (random.NextDouble() < lostShare)
                {
                    // The answer is lost; half of the time the command never reached the seat either.
                    history.Add(Operation<SeatRequest, SeatAnswer>.Unanswered(passenger, request, invoked));
                    state = random.Next(2) == 0 ? next : state;
                    continue;
                }
                history.Add(Operation<SeatRequest, SeatAnswer>.Answered(passenger, request, answer, invoked, now.AddMilliseconds(random.Next(2500))));
                state = next;
            }
        }
        return history;
    }
}
