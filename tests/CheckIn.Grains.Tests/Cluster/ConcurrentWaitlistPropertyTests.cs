using System.Collections.Immutable;
using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Tests.Support;
using CsCheck;

namespace CheckIn.Grains.Tests.Cluster;

/// <summary>
/// Waitlist joins and leaves racing seat releases, on real grains. A flight with a two-seat business cabin (1A, 1C),
/// both confirmed by their owners; two business passengers. A generated set of commands — each passenger joins and/or
/// leaves, each owner releases — goes out at once; once settled (no seat OFFERED, and nobody waiting beside a free
/// seat: a seat freed just before a join set the cabin's demand waits for the waitlist's sweep, run by moving the fake
/// clock), the answers and the end state must be those of some sequential order, in which a joining passenger takes a
/// free seat at once and a released seat goes to the first passenger waiting. So nobody is left waiting beside a free
/// seat for longer than a sweep, and nobody gets a seat after leaving the line.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConcurrentWaitlistPropertyTests(ClusterFixture fixture)
{
    private static readonly string[] Seats = ["1A", "1C"];

    public enum Kind { Join, Leave, Release }

    /// <summary>Join/Leave name a waiting passenger (0, 1); Release names an owner (0 owns 1A, 1 owns 1C).</summary>
    public sealed record Command(Kind Kind, int Who)
    {
        public override string ToString() => Kind == Kind.Release ? $"Release(O{Who})" : $"{Kind}(W{Who})";
    }

    /// <summary>Every command the property draws from; a sample is a few distinct ones.</summary>
    private static readonly Command[] All = [new(Kind.Join, 0), new(Kind.Join, 1), new(Kind.Leave, 0), new(Kind.Leave, 1), new(Kind.Release, 0), new(Kind.Release, 1)];

    private enum Entry { None, Waiting, Left, Assigned }

    /// <summary>The sequential reference: who sits on each seat (null: free), the line, each waiting passenger's entry.</summary>
    private sealed record Model(ImmutableArray<string?> Owners, ImmutableList<int> Line, ImmutableArray<Entry> Entries);

    [Fact]
    public async Task Joins_and_leaves_racing_seat_releases_end_as_some_sequential_order_would()
    {
        var sets = Gen.Int[0, All.Length - 1].Array[2, 6].Select(picks => picks.Distinct().Select(i => All[i]).ToArray());
        await sets.SampleAsync(RunAsync, iter: 40, threads: 1, print: cs => string.Join(", ", cs.AsEnumerable()));
    }

    private async Task RunAsync(Command[] commands)
    {
        var grains = fixture.Grains;
        var flight = SampleLayouts.NewFlightId();
        var layout = new SeatLayout([new CabinSection(Cabin.Business, 1, 1, "AC"), new CabinSection(Cabin.Economy, 2, 3, "ABC")], [], [], [], []);
        // Inside the check-in window whatever the shared fake clock says.
        (await grains.GetFlightGrain(flight).CreateAsync(new FlightDefinition(flight, "LHR", "CDG", fixture.Time.GetUtcNow() + TimeSpan.FromHours(3), layout))).Ok();
        var owners = new[] { $"OWN{flight}A-1", $"OWN{flight}C-1" };
        for (var i = 0; i < Seats.Length; i++)
        {
            (await grains.HoldAsync(flight, owners[i], Seats[i])).Ok();
            (await grains.ConfirmAsync(flight, owners[i], Seats[i])).Ok();
        }
        var waiting = new string[2];
        for (var i = 0; i < waiting.Length; i++)
        {
            var pnr = SampleLayouts.NewPnr();
            (await grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pax", "Waiting", Cabin.Business)], [flight]))).Ok();
            waiting[i] = $"{pnr}-1";
        }

        var outcomes = await Linearizability.RunAtOnceAsync(commands, c => SendAsync(grains, flight, c, owners, waiting));
        var end = (await Eventually.Until(() => SettledAsync(grains, flight, waiting), e => e is not null,
            "the waitlist to answer every offer and nobody to wait beside a free seat"))!;

        var initial = new Model([.. owners], [], [Entry.None, Entry.None]);
        var order = Linearizability.FindOrder(initial, commands, (m, c) => Step(m, c, owners, waiting), outcomes, m => Describe(m, waiting), end);
        Assert.True(order is not null,
            $"no sequential order explains answers [{string.Join(", ", outcomes.Select(o => o?.ToString() ?? "ok"))}] and end state {end}");
    }

    private static async Task<FailureCode?> SendAsync(IGrainFactory grains, string flight, Command c, string[] owners, string[] waiting)
    {
        switch (c.Kind)
        {
            case Kind.Release:
                var released = await grains.ReleaseAsync(flight, owners[c.Who], Seats[c.Who]);
                return released.IsSuccess ? null : released.Error.Code;
            case Kind.Join:
                var pnr = waiting[c.Who][..waiting[c.Who].IndexOf('-', StringComparison.Ordinal)];
                var joined = await grains.GetWaitlistGrain(flight).JoinAsync(new WaitlistJoin(pnr, [waiting[c.Who]], Cabin.Business, SeatPreference.Any), Commands.By(waiting[c.Who]));
                return joined.IsSuccess ? null : joined.Error.Code;
            default:
                var left = await grains.GetWaitlistGrain(flight).LeaveAsync(waiting[c.Who], Commands.By(waiting[c.Who]));
                return left.IsSuccess ? null : left.Error.Code;
        }
    }

    private static (Model Next, FailureCode? Outcome) Step(Model m, Command c, string[] owners, string[] waiting)
    {
        var w = c.Who;
        switch (c.Kind)
        {
            case Kind.Release:
                // (Each owner releases at most once, and nobody else takes their seat first: the release always succeeds.)
                var seat = m.Owners.IndexOf(owners[w]);
                if (m.Line.IsEmpty)
                {
                    return (m with { Owners = m.Owners.SetItem(seat, null) }, null);
                }
                var first = m.Line[0];
                return (new Model(m.Owners.SetItem(seat, waiting[first]), m.Line.RemoveAt(0), m.Entries.SetItem(first, Entry.Assigned)), null);
            case Kind.Join:
                if (m.Entries[w] != Entry.None)
                {
                    return (m, null);
                }
                var free = m.Owners.IndexOf(null);
                return free >= 0
                    ? (m with { Owners = m.Owners.SetItem(free, waiting[w]), Entries = m.Entries.SetItem(w, Entry.Assigned) }, null)
                    : (m with { Line = m.Line.Add(w), Entries = m.Entries.SetItem(w, Entry.Waiting) }, null);
            default:
                return m.Entries[w] switch
                {
                    Entry.None => (m, FailureCode.WaitlistEntryNotFound),
                    Entry.Assigned => (m, FailureCode.WaitlistEntryClosed),
                    Entry.Left => (m, null),
                    _ => (m with { Line = m.Line.Remove(w), Entries = m.Entries.SetItem(w, Entry.Left) }, null),
                };
        }
    }

    /// <summary>Who has a seat (which of the two seats a passenger got is the waitlist's choice), and each entry's status.</summary>
    private static string Describe(Model m, string[] waiting) =>
        $"seated [{string.Join(", ", m.Owners.Select(o => o ?? "-").Order(StringComparer.Ordinal))}] entries [{string.Join(", ", waiting.Select((_, i) => m.Entries[i].ToString()))}]";

    /// <summary>
    /// The end state once settled, else null. A seat freed in the instant before a join set the cabin's demand is
    /// AVAILABLE, not offered, and the join may not see it yet (it reads the seat map): the waitlist's sweep
    /// (<c>WaitlistSweepInterval</c>, on the fake clock) picks it up. So while unsettled, move the clock by a second.
    /// </summary>
    private async Task<string?> SettledAsync(IGrainFactory grains, string flight, string[] waiting)
    {
        var seats = await Task.WhenAll(Seats.Select(s => grains.SeatAsync(flight, s)));
        var end = await DescribeAsync(grains, flight, seats, waiting);
        var anyoneWaits = end.Contains(nameof(WaitlistStatus.Waiting), StringComparison.Ordinal);
        if (seats.Any(s => s.Status == SeatStatus.Offered) || (anyoneWaits && seats.Any(s => s.Status == SeatStatus.Available)))
        {
            await fixture.AdvanceAsync(TimeSpan.FromSeconds(1));
            return null;
        }
        return end;
    }

    private static async Task<string> DescribeAsync(IGrainFactory grains, string flight, SeatSnapshot[] seats, string[] waiting)
    {
        var entries = new List<string>();
        foreach (var w in waiting)
        {
            var entry = await grains.GetWaitlistGrain(flight).GetAsync(w);
            entries.Add(entry.IsSuccess ? entry.Value.Status.ToString() : nameof(Entry.None));
        }
        var seated = seats.Select(s => s.Status is SeatStatus.Held or SeatStatus.Confirmed ? s.PassengerId! : "-").Order(StringComparer.Ordinal);
        return $"seated [{string.Join(", ", seated)}] entries [{string.Join(", ", entries)}]";
    }
}
