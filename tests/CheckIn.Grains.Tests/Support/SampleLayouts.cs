using CheckIn.Contracts.Flights;

namespace CheckIn.Grains.Tests.Support;

/// <summary>Layouts and flights the tests create. The A320 has the shape of the demo flight (168 seats).</summary>
internal static class SampleLayouts
{
    public static SeatLayout A320 { get; } = new(
        Cabins:
        [
            new CabinSection(Cabin.Business, 1, 3, "AC_DF"),
            new CabinSection(Cabin.Economy, 4, 30, "ABC_DEF"),
        ],
        ExitRows: [11, 12],
        ExtraLegroomRows: [4],
        BlockedSeats: ["30A"],
        SkippedRows: [13]);

    public static DateTimeOffset Departure { get; } = new(2031, 6, 1, 9, 30, 0, TimeSpan.Zero);

    /// <summary>A flight id no other test uses: "T" and eight upper-case hex digits.</summary>
    public static string NewFlightId() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>A PNR no other test uses: six upper-case hex digits.</summary>
    public static string NewPnr() => Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    public static FlightDefinition A320Flight(string flightId) => new(flightId, "LHR", "CDG", Departure, A320);
}
