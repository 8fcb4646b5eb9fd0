using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Flights;
using CheckIn.Grains.Waitlist;
using CsCheck;

namespace CheckIn.Grains.Tests.Models;

/// <summary>
/// <see cref="WaitlistRules.MatchAll"/> against a model of a small line on a three-row cabin (ABC_DEF): passengers and
/// groups join, seats are freed and taken by others, and after every event one pass of the waitlist runs. The model
/// says who gets each candidate seat (first come, first served among the entries it suits; a group all at once in one
/// row or not at all); a group's exact seats are checked by their properties (free, one row, the freed seat among them,
/// an adjacent block whenever one is free) and then taken from the rules.
/// </summary>
public sealed class WaitlistModelTests
{
    private static readonly DateTimeOffset At = new(2031, 6, 1, 6, 0, 0, TimeSpan.Zero);
    private const string Columns = "ABC_DEF";
    private static readonly FlightInfo Flight = FlightRules.Create(
        new FlightDefinition("WLM1", "LHR", "CDG", At + TimeSpan.FromHours(10),
            new SeatLayout([new CabinSection(Cabin.Economy, 1, 3, Columns)], [], [], [], [])), At).Value!;

    public enum Kind { JoinSingle, JoinGroup, Free, Take }

    /// <summary>JoinSingle: position (Any, Window, Aisle); JoinGroup: size 2–3; Free/Take: a seat index.</summary>
    public sealed record Command(Kind Kind, int Position, int Size, int Seat)
    {
        public override string ToString() => Kind switch
        {
            Kind.JoinSingle => $"Join({(SeatPreference)Preferences[Position]})",
            Kind.JoinGroup => $"JoinGroup({Size})",
            _ => $"{Kind}({Flight.Seats[Seat].SeatNumber})",
        };
    }

    private static readonly SeatPreference[] Preferences = [SeatPreference.Any, SeatPreference.Window, SeatPreference.Aisle];

    private static readonly Gen<Command> CommandGen = Gen.Select(
        Gen.Frequency((2, Gen.Const(Kind.JoinSingle)), (1, Gen.Const(Kind.JoinGroup)), (3, Gen.Const(Kind.Free)), (1, Gen.Const(Kind.Take))),
        Gen.Int[0, 2], Gen.Int[2, 3], Gen.Int[0, Flight.Seats.Count - 1],
        (kind, position, size, seat) => new Command(kind, position, size, seat));

    [Fact]
    public void Waitlist_matching_agrees_with_the_model_over_generated_lines()
    {
        CommandGen.Array[1, 30].Sample(Run, iter: 3_000, threads: 1, print: cs => string.Join(", ", cs.Select(c => c.ToString())));
    }

    private static void Run(Command[] commands)
    {
        var free = new HashSet<string>(StringComparer.Ordinal);
        var line = new List<WaitlistEntry>();
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        long sequence = 0;
        foreach (var c in commands)
        {
            var seat = Flight.Seats[c.Seat].SeatNumber;
            IEnumerable<string> offered = [];
            switch (c.Kind)
            {
                case Kind.JoinSingle:
                    line.Add(Entry(++sequence, 1, Preferences[c.Position]));
                    break;
                case Kind.JoinGroup:
                    line.Add(Entry(++sequence, c.Size, SeatPreference.Any));
                    break;
                case Kind.Free:
                    // Whoever had it (a waitlisted passenger or not) gave it up.
                    assigned.Remove(seat);
                    free.Add(seat);
                    offered = [seat];
                    break;
                case Kind.Take:
                    free.Remove(seat);
                    break;
            }
            var candidates = offered.Concat(Flight.Seats.Select(s => s.SeatNumber).Where(s => s != seat || c.Kind != Kind.Free)).ToList();
            var matches = WaitlistRules.MatchAll(line, Flight, candidates, free);

            // The model's pass over the same candidates.
            var left = new HashSet<string>(free, StringComparer.Ordinal);
            var waiting = line.OrderBy(e => e.Sequence).ToList();
            var k = 0;
            foreach (var candidate in candidates.Where(_ => waiting.Count > 0))
            {
                if (!left.Contains(candidate) || waiting.FirstOrDefault(e => Satisfies(e, candidate, left)) is not { } winner)
                {
                    continue;
                }
                Assert.True(k < matches.Count, $"the model serves #{winner.Sequence} with {candidate}; the rules made only {matches.Count} matches");
                var match = matches[k++];
                Assert.Equal(winner.Sequence, match.Entry.Sequence);
                if (winner.PassengerIds.Count == 1)
                {
                    Assert.Equal([candidate], match.Seats);
                }
                else
                {
                    GroupSeatsAreRight(winner.PassengerIds.Count, candidate, match.Seats, left);
                }
                Assert.True(match.Seats.All(assigned.Add), "a seat was given twice while it was taken");
                left.ExceptWith(match.Seats);
                waiting.Remove(winner);
            }
            Assert.Equal(k, matches.Count);
            foreach (var match in matches)
            {
                line.Remove(match.Entry);
                free.ExceptWith(match.Seats);
            }
        }
    }

    private static WaitlistEntry Entry(long sequence, int size, SeatPreference position) =>
        new(sequence, $"PNR{sequence:000}", [.. Enumerable.Range(1, size).Select(i => $"W{sequence}-{i}")], Cabin.Economy, position, WaitlistStatus.Waiting, [], At, At);

    private static (int Row, int At) Place(string seatNumber) =>
        (int.Parse(seatNumber[..^1], System.Globalization.CultureInfo.InvariantCulture), Columns.IndexOf(seatNumber[^1]));

    /// <summary>A single: any seat for ANY, columns A/F for WINDOW, C/D for AISLE. A group of n: n free seats in the seat's row.</summary>
    private static bool Satisfies(WaitlistEntry entry, string seat, IReadOnlySet<string> free)
    {
        var column = seat[^1];
        if (entry.PassengerIds.Count > 1)
        {
            return free.Count(s => Place(s).Row == Place(seat).Row) >= entry.PassengerIds.Count;
        }
        return entry.Position switch
        {
            SeatPreference.Window => column is 'A' or 'F',
            SeatPreference.Aisle => column is 'C' or 'D',
            _ => true,
        };
    }

    private static void GroupSeatsAreRight(int size, string anchor, IReadOnlyList<string> seats, IReadOnlySet<string> free)
    {
        Assert.Equal(size, seats.Distinct().Count());
        Assert.Contains(anchor, seats);
        Assert.All(seats, s => Assert.Contains(s, free));
        Assert.All(seats, s => Assert.Equal(Place(anchor).Row, Place(s).Row));
        bool Adjacent(IEnumerable<int> at) => at.Order().ToList() is var sorted
            && sorted.Zip(sorted.Skip(1)).All(p => p.Second == p.First + 1) && sorted.All(i => Columns[i] != '_')
            && !Columns.Substring(sorted[0], sorted.Count).Contains('_');
        var row = Place(anchor).Row;
        var blockFree = Enumerable.Range(0, Columns.Length - size + 1)
            .Select(start => Enumerable.Range(start, size).ToList())
            .Any(block => block.Contains(Place(anchor).At) && Adjacent(block) && block.All(i => free.Contains($"{row}{Columns[i]}")));
        if (blockFree)
        {
            Assert.True(Adjacent(seats.Select(s => Place(s).At)), $"a free adjacent block was passed over for {string.Join(" ", seats)}");
        }
    }
}
