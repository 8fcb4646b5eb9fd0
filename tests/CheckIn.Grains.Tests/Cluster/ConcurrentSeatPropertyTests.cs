using System.Collections.Immutable;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Seats;
using CheckIn.Grains.Tests.Support;
using CsCheck;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>
/// Generated sets of passengers' hold/confirm/release commands sent at once to the real passenger-seat and seat grains
/// of a fresh flight (after a few sent one by one to reach a more interesting start). Whatever the interleaving, the
/// outcome must be one some sequential order gives: every command answered as it would have been in that order, and
/// the seats and passengers ending as that order leaves them. The sequential reference is <see cref="SeatRules"/> for
/// each seat plus the one-seat-per-passenger move (take the new seat, then release the old one). No clock moves
/// here, so no hold expires. A failure shrinks to a small set and prints the seed that reproduces it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConcurrentSeatPropertyTests(ClusterFixture fixture)
{
    public enum Kind { Hold, Confirm, Release }

    public sealed record Command(Kind Kind, int Passenger, int Seat)
    {
        public override string ToString() => $"{Kind}(P{Passenger}, S{Seat})";
    }

    public sealed record Scenario(Command[] OneByOne, Command[] AtOnce)
    {
        public override string ToString() => $"one by one [{string.Join(", ", OneByOne.AsEnumerable())}] then at once [{string.Join(", ", AtOnce.AsEnumerable())}]";
    }

    /// <summary>The sequential reference: each seat's record and each passenger's current seat.</summary>
    private sealed record Model(ImmutableDictionary<string, SeatRecord> Seats, ImmutableDictionary<string, string?> Current);

    [Fact]
    public async Task Passengers_racing_for_one_seat_end_as_some_sequential_order_would()
    {
        // Straight to the seat grain (the passenger grains add nothing for one seat, and would space the calls out).
        await CheckAsync(seats: 1, passengers: 3, atOnce: (2, 5), iterations: 100, direct: true);
    }

    [Fact]
    public async Task Passengers_racing_for_a_few_seats_keep_one_seat_each_and_one_owner_per_seat()
    {
        await CheckAsync(seats: 3, passengers: 3, atOnce: (3, 6), iterations: 50, direct: false);
    }

    private async Task CheckAsync(int seats, int passengers, (int Min, int Max) atOnce, int iterations, bool direct)
    {
        var command = Gen.Select(
            Gen.Frequency((4, Gen.Const(Kind.Hold)), (2, Gen.Const(Kind.Confirm)), (2, Gen.Const(Kind.Release))),
            Gen.Int[0, passengers - 1],
            Gen.Int[0, seats - 1],
            (kind, passenger, seat) => new Command(kind, passenger, seat));
        var scenarios = Gen.Select(command.Array[0, 3], command.Array[atOnce.Min, atOnce.Max], (before, race) => new Scenario(before, race));

        await scenarios.SampleAsync(s => RunAsync(s, seats, passengers, direct), iter: iterations, threads: 1, print: s => s.ToString());
    }

    private async Task RunAsync(Scenario scenario, int seatCount, int passengerCount, bool direct)
    {
        var grains = fixture.Grains;
        var flight = await grains.CreateFlightAsync();
        // Seats of one row; passenger ids unique per flight (the flight id is fresh).
        var seats = Enumerable.Range(0, seatCount).Select(i => $"14{"ABCDEF"[i]}").ToArray();
        var passengers = Enumerable.Range(0, passengerCount).Select(i => $"RACE{i}X-1").ToArray();
        var now = fixture.Time.GetUtcNow();

        var model = new Model(
            seats.ToImmutableDictionary(s => s, _ => SeatRecord.Initial, StringComparer.Ordinal),
            passengers.ToImmutableDictionary(p => p, _ => (string?)null, StringComparer.Ordinal));
        foreach (var c in scenario.OneByOne)
        {
            var answer = Outcome(await SendAsync(grains, flight, c, seats, passengers, direct));
            (model, var expected) = Step(model, c, seats, passengers, now, direct);
            Assert.Equal(expected, answer);
        }

        var outcomes = await Linearizability.RunAtOnceAsync(scenario.AtOnce, async c => Outcome(await SendAsync(grains, flight, c, seats, passengers, direct)));
        var end = await DescribeAsync(grains, flight, seats, passengers);

        // The invariants, spelled out (the order search below implies them, but says less when they break).
        var owners = await Task.WhenAll(seats.Select(s => grains.SeatAsync(flight, s)));
        foreach (var p in passengers)
        {
            var owned = owners.Where(o => o.PassengerId == p).Select(o => o.SeatNumber).ToList();
            Assert.True(owned.Count <= 1, $"{p} owns {string.Join(", ", owned)}");
            if (!direct)
            {
                Assert.Equal(owned.SingleOrDefault(), await grains.GetPassengerSeatGrain(flight, p).GetSeatNumberAsync());
            }
        }

        var order = Linearizability.FindOrder(model, scenario.AtOnce, (m, c) => Step(m, c, seats, passengers, now, direct), outcomes, Describe, end);
        Assert.True(order is not null,
            $"no sequential order explains answers [{string.Join(", ", outcomes.Select(o => o?.ToString() ?? "ok"))}] and end state {end}");
    }

    private static Task<Result<SeatSnapshot>> SendAsync(IGrainFactory grains, string flight, Command c, string[] seats, string[] passengers, bool direct) => (c.Kind, direct) switch
    {
        (Kind.Hold, true) => grains.GetSeatGrain(flight, seats[c.Seat]).HoldAsync(passengers[c.Passenger], Commands.By(passengers[c.Passenger])),
        (Kind.Confirm, true) => grains.GetSeatGrain(flight, seats[c.Seat]).ConfirmAsync(passengers[c.Passenger], Commands.By(passengers[c.Passenger])),
        (_, true) => grains.GetSeatGrain(flight, seats[c.Seat]).ReleaseAsync(passengers[c.Passenger], Commands.By(passengers[c.Passenger])),
        (Kind.Hold, _) => grains.HoldAsync(flight, passengers[c.Passenger], seats[c.Seat]),
        (Kind.Confirm, _) => grains.ConfirmAsync(flight, passengers[c.Passenger], seats[c.Seat]),
        _ => grains.ReleaseAsync(flight, passengers[c.Passenger], seats[c.Seat]),
    };

    private static FailureCode? Outcome(Result<SeatSnapshot> result) => result.IsSuccess ? null : result.Error.Code;

    /// <summary>One command, as the passenger-seat grain runs it on top of the seat rules (or the seat grain alone, <paramref name="direct"/>).</summary>
    private static (Model Next, FailureCode? Outcome) Step(Model m, Command c, string[] seats, string[] passengers, DateTimeOffset now, bool direct)
    {
        var p = passengers[c.Passenger];
        var s = seats[c.Seat];
        var current = m.Current[p];
        switch (c.Kind)
        {
            case Kind.Hold:
                var hold = SeatRules.Hold(m.Seats[s], p, now, ClusterFixture.HoldDuration);
                if (hold.Error is { } refused)
                {
                    return (m, refused.Code);
                }
                var held = m.Seats.SetItem(s, hold.Record);
                if (direct)
                {
                    return (m with { Seats = held }, null);
                }
                if (current is not null && current != s)
                {
                    held = held.SetItem(current, SeatRules.Release(held[current], p, now).Record);
                }
                return (new Model(held, m.Current.SetItem(p, s)), null);
            case Kind.Confirm:
                var confirm = SeatRules.Confirm(m.Seats[s], p, now);
                return (m with { Seats = m.Seats.SetItem(s, confirm.Record) }, confirm.Error?.Code);
            default:
                var release = SeatRules.Release(m.Seats[s], p, now);
                if (release.Error is { } notHeld)
                {
                    return (m, notHeld.Code);
                }
                return (new Model(m.Seats.SetItem(s, release.Record), current == s && !direct ? m.Current.SetItem(p, null) : m.Current), null);
        }
    }

    private static string Describe(Model m) =>
        string.Join("; ", m.Seats.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value.Status}/{e.Value.PassengerId}")
            .Concat(m.Current.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}->{e.Value}")));

    private static async Task<string> DescribeAsync(IGrainFactory grains, string flight, string[] seats, string[] passengers)
    {
        var parts = new List<string>();
        foreach (var s in seats)
        {
            var seat = await grains.SeatAsync(flight, s);
            parts.Add($"{s}={seat.Status}/{seat.PassengerId}");
        }
        foreach (var p in passengers)
        {
            parts.Add($"{p}->{await grains.GetPassengerSeatGrain(flight, p).GetSeatNumberAsync()}");
        }
        return string.Join("; ", parts);
    }
}
