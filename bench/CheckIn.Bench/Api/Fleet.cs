using System.Security.Cryptography;

namespace CheckIn.Bench.Api;

/// <summary>A seat a given passenger (of a booking with a session token) may act on.</summary>
internal sealed record PassengerSlot(string FlightId, string SeatNumber, string PassengerId, string Token);

/// <summary>
/// What a scenario needs, created through the admin API: <c>flights</c> flights of <c>rows</c> x <c>columns</c>, and
/// for each flight <c>passengersPerFlight</c> passengers, each with its own seat (a passenger has at most one seat
/// per flight). Bookings have up to 9 passengers and up to 8 flights, so one booking serves 72 slots.
/// Slots are ordered so that consecutive slots fall on different flights.
/// </summary>
internal sealed class Fleet
{
    private const int PassengersPerBooking = 9;
    private const int FlightsPerBooking = 8;
    private const string PnrAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private Fleet(IReadOnlyList<string> flights, IReadOnlyList<string> seats, IReadOnlyList<PassengerSlot> slots)
    {
        Flights = flights;
        Seats = seats;
        Slots = slots;
    }

    public IReadOnlyList<string> Flights { get; }

    /// <summary>Seat numbers of every flight, row by row.</summary>
    public IReadOnlyList<string> Seats { get; }

    public IReadOnlyList<PassengerSlot> Slots { get; }

    public static IReadOnlyList<string> SeatNumbers(int rows, string columns) =>
        [.. Enumerable.Range(1, rows).SelectMany(row => columns.Where(char.IsLetter).Select(letter => $"{row}{letter}"))];

    public static string RunPrefix() => "B" + RandomNumberGenerator.GetString(PnrAlphabet, 3);

    /// <summary>
    /// Creates the flights, bookings and sessions. <paramref name="firstSeat"/> skips seats a scenario keeps for
    /// itself; passenger i of a flight gets seat <c>firstSeat + i</c>.
    /// </summary>
    public static async Task<Fleet> CreateAsync(
        CheckInClient client, int flights, int rows, string columns, int passengersPerFlight, int firstSeat, int concurrency,
        Action<string> progress, CancellationToken cancellationToken, DateTimeOffset? departure = null)
    {
        var seats = SeatNumbers(rows, columns);
        if (firstSeat + passengersPerFlight > seats.Count)
        {
            throw new BenchException($"A flight of {rows} rows x {columns} has {seats.Count} seats; {firstSeat + passengersPerFlight} are needed.");
        }
        var prefix = RunPrefix();
        var flightIds = Enumerable.Range(0, flights).Select(i => $"{prefix}{i:D4}").ToList();
        var done = 0;
        await Parallel.ForEachAsync(flightIds, Options(concurrency, cancellationToken), async (id, ct) =>
        {
            await client.CreateFlightAsync(id, rows, columns, ct, departure);
            progress($"flights {Interlocked.Increment(ref done)}/{flights}");
        });

        // Booking k of group g covers passengers 9k..9k+8 of the group's (up to) 8 flights.
        var bookingsPerGroup = (passengersPerFlight + PassengersPerBooking - 1) / PassengersPerBooking;
        var groups = flightIds.Chunk(FlightsPerBooking).ToList();
        var plans = groups.SelectMany((group, g) => Enumerable.Range(0, bookingsPerGroup).Select(k =>
            (Group: g, Flights: group, FirstPassenger: k * PassengersPerBooking,
             Passengers: Math.Min(PassengersPerBooking, passengersPerFlight - (k * PassengersPerBooking))))).ToList();
        var tokens = new (string Pnr, string Token)[plans.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, plans.Count), Options(concurrency, cancellationToken), async (i, ct) =>
        {
            var plan = plans[i];
            string pnr;
            do
            {
                lock (used)
                {
                    do
                    {
                        pnr = RandomNumberGenerator.GetString(PnrAlphabet, 6);
                    }
                    while (!used.Add(pnr));
                }
            }
            while (!await client.CreateBookingAsync(pnr, plan.Passengers, plan.Flights, ct));
            tokens[i] = (pnr, await client.CreateSessionAsync(pnr, ct));
            progress($"bookings {Interlocked.Increment(ref done)}/{plans.Count}");
        });

        var slots = new List<PassengerSlot>(flights * passengersPerFlight);
        for (var passenger = 0; passenger < passengersPerFlight; passenger++)
        {
            for (var f = 0; f < flights; f++)
            {
                var group = f / FlightsPerBooking;
                var booking = tokens[(group * bookingsPerGroup) + (passenger / PassengersPerBooking)];
                slots.Add(new PassengerSlot(flightIds[f], seats[firstSeat + passenger], $"{booking.Pnr}-{(passenger % PassengersPerBooking) + 1}", booking.Token));
            }
        }
        return new Fleet(flightIds, seats, slots);
    }

    private static ParallelOptions Options(int concurrency, CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken };
}
