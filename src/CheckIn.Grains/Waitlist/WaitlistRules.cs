using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;

namespace CheckIn.Grains.Waitlist;

/// <summary>
/// Who gets a freed seat, as pure functions of the queue, the flight's layout and the free seats.
/// <list type="bullet">
/// <item>First come, first served <b>among the entries the seat satisfies</b>: an entry the seat does not suit keeps its
/// place and the next one is considered.</item>
/// <item>A single passenger is satisfied by a free seat of their cabin that matches their position (WINDOW, AISLE or
/// ANY).</item>
/// <item>A group (passengers of one booking who asked to sit together) is served all at once or not at all: it needs
/// one free seat per passenger <b>in one row</b> of its cabin, the freed seat among them. Within the row, a block of
/// adjacent seats (no aisle between them) is preferred, then seats nearest the freed one; the position preference is
/// not applied to groups (sitting together comes first).</item>
/// </list>
/// The free set is the truth about blocking: a seat the airline blocked is never in it, one an operator unblocked is.
/// </summary>
public static class WaitlistRules
{
    /// <summary>
    /// The first waiting entry (by sequence) that <paramref name="freed"/> satisfies, with its seats; null when the
    /// seat suits nobody. <paramref name="free"/> lists every seat free at this moment (the freed one included).
    /// </summary>
    public static WaitlistMatch? MatchFreedSeat(IEnumerable<WaitlistEntry> entries, FlightInfo flight, string freed, IReadOnlySet<string> free)
    {
        if (flight.FindSeat(freed) is not { } seat || !free.Contains(freed))
        {
            return null;
        }
        foreach (var entry in entries.Where(e => e.Status == WaitlistStatus.Waiting).OrderBy(e => e.Sequence))
        {
            if (entry.Cabin != seat.Cabin)
            {
                continue;
            }
            if (!entry.Together)
            {
                if (Suits(seat, entry.Position))
                {
                    return new WaitlistMatch(entry, [freed]);
                }
                continue;
            }
            if (GroupSeats(flight, seat, entry.PassengerIds.Count, free) is { } seats)
            {
                return new WaitlistMatch(entry, seats);
            }
        }
        return null;
    }

    /// <summary>
    /// Every match one pass of the waitlist can make: each of <paramref name="candidates"/> in turn (seats offered to
    /// the line first, then other free seats in seat order) goes to the first waiting entry it satisfies; a seat is
    /// never matched twice, an entry never served twice. A newly joined entry is thereby served at once by any
    /// suitable free seat: nothing waits in vain.
    /// </summary>
    public static IReadOnlyList<WaitlistMatch> MatchAll(IEnumerable<WaitlistEntry> entries, FlightInfo flight, IEnumerable<string> candidates, IReadOnlySet<string> free)
    {
        var waiting = entries.Where(e => e.Status == WaitlistStatus.Waiting).ToList();
        var left = new HashSet<string>(free, StringComparer.Ordinal);
        var matches = new List<WaitlistMatch>();
        foreach (var seat in candidates)
        {
            if (waiting.Count == 0)
            {
                break;
            }
            if (!left.Contains(seat) || MatchFreedSeat(waiting, flight, seat, left) is not { } match)
            {
                continue;
            }
            matches.Add(match);
            waiting.Remove(match.Entry);
            left.ExceptWith(match.Seats);
        }
        return matches;
    }

    public static bool Suits(SeatDefinition seat, SeatPreference position) => position switch
    {
        SeatPreference.Window => seat.Characteristics.Contains(SeatCharacteristic.Window),
        SeatPreference.Aisle => seat.Characteristics.Contains(SeatCharacteristic.Aisle),
        _ => true,
    };

    /// <summary>
    /// <paramref name="count"/> free seats in <paramref name="anchor"/>'s row and cabin, <paramref name="anchor"/>
    /// among them: an adjacent block (no aisle inside) containing the anchor if there is one, else the free seats of
    /// the row nearest the anchor. Null when the row has too few.
    /// </summary>
    public static IReadOnlyList<string>? GroupSeats(FlightInfo flight, SeatDefinition anchor, int count, IReadOnlySet<string> free)
    {
        var section = flight.Definition.Layout.Cabins.FirstOrDefault(c => c.Cabin == anchor.Cabin && anchor.Row >= c.FirstRow && anchor.Row <= c.LastRow);
        if (section is null || count < 1)
        {
            return null;
        }
        // The row as laid out, '_' marking an aisle: "ABC_DEF".
        var layout = section.Columns;
        var row = flight.Seats.Where(s => s.Row == anchor.Row && s.Cabin == anchor.Cabin && free.Contains(s.SeatNumber))
            .ToDictionary(s => s.Column, s => s.SeatNumber, StringComparer.Ordinal);
        if (row.Count < count || !row.ContainsKey(anchor.Column))
        {
            return null;
        }
        var anchorAt = layout.IndexOf(anchor.Column, StringComparison.Ordinal);
        // Adjacent blocks of `count` columns that contain the anchor and no aisle, leftmost first.
        for (var start = Math.Max(0, anchorAt - count + 1); start <= anchorAt && start + count <= layout.Length; start++)
        {
            var block = layout.Substring(start, count);
            if (!block.Contains('_', StringComparison.Ordinal) && block.All(c => row.ContainsKey(c.ToString())))
            {
                return [.. block.Select(c => row[c.ToString()])];
            }
        }
        // Same row across the aisle: the anchor and the free seats nearest to it.
        return [.. row.OrderBy(kv => Math.Abs(layout.IndexOf(kv.Key, StringComparison.Ordinal) - anchorAt)).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(count).Select(kv => kv.Value).OrderBy(s => s, StringComparer.Ordinal)];
    }
}
