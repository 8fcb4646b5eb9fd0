namespace CheckIn.Contracts.Flights;

/// <summary>Cabin classes, front to back.</summary>
public enum Cabin
{
    /// <summary>First class.</summary>
    First = 1,
    /// <summary>Business class.</summary>
    Business = 2,
    /// <summary>Premium economy.</summary>
    PremiumEconomy = 3,
    /// <summary>Economy.</summary>
    Economy = 4,
}

/// <summary>What a passenger cares about when picking a seat.</summary>
public enum SeatCharacteristic
{
    /// <summary>Next to a window.</summary>
    Window = 1,
    /// <summary>Next to an aisle.</summary>
    Aisle = 2,
    /// <summary>Neither window nor aisle.</summary>
    Middle = 3,
    /// <summary>In an emergency exit row.</summary>
    ExitRow = 4,
    /// <summary>More legroom than the cabin's standard pitch.</summary>
    ExtraLegroom = 5,
}

/// <summary>
/// One cabin's block of rows. <see cref="Columns"/> lists the seat letters left to right with <c>_</c> for each
/// aisle, e.g. <c>ABC_DEF</c> or <c>AC_DF</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.CabinSection")]
public sealed record CabinSection(
    [property: Id(0)] Cabin Cabin,
    [property: Id(1)] int FirstRow,
    [property: Id(2)] int LastRow,
    [property: Id(3)] string Columns);

/// <summary>The airline's description of a cabin layout, expanded into seats when the flight is created.</summary>
[GenerateSerializer, Immutable, Alias("checkin.SeatLayout")]
public sealed record SeatLayout(
    [property: Id(0)] IReadOnlyList<CabinSection> Cabins,
    [property: Id(1)] IReadOnlyList<int> ExitRows,
    [property: Id(2)] IReadOnlyList<int> ExtraLegroomRows,
    [property: Id(3)] IReadOnlyList<string> BlockedSeats,
    [property: Id(4)] IReadOnlyList<int> SkippedRows);

/// <summary>What the admin API creates.</summary>
[GenerateSerializer, Immutable, Alias("checkin.FlightDefinition")]
public sealed record FlightDefinition(
    [property: Id(0)] string FlightId,
    [property: Id(1)] string Origin,
    [property: Id(2)] string Destination,
    [property: Id(3)] DateTimeOffset Departure,
    [property: Id(4)] SeatLayout Layout);

/// <summary>One seat of a flight, with everything a seat map shows that does not change.</summary>
[GenerateSerializer, Immutable, Alias("checkin.SeatDefinition")]
public sealed record SeatDefinition(
    [property: Id(0)] string SeatNumber,
    [property: Id(1)] int Row,
    [property: Id(2)] string Column,
    [property: Id(3)] Cabin Cabin,
    [property: Id(4)] IReadOnlyList<SeatCharacteristic> Characteristics,
    [property: Id(5)] bool Blocked);

/// <summary>A created flight: its definition and its expanded seats in row, then column, order.</summary>
[GenerateSerializer, Immutable, Alias("checkin.FlightInfo")]
public sealed record FlightInfo(
    [property: Id(0)] FlightDefinition Definition,
    [property: Id(1)] IReadOnlyList<SeatDefinition> Seats,
    [property: Id(2)] DateTimeOffset CreatedAt)
{
    /// <summary>The flight id.</summary>
    public string FlightId => Definition.FlightId;

    /// <summary>The seat with that number, or null.</summary>
    public SeatDefinition? FindSeat(string seatNumber)
    {
        foreach (var seat in Seats)
        {
            if (string.Equals(seat.SeatNumber, seatNumber, StringComparison.Ordinal))
            {
                return seat;
            }
        }
        return null;
    }
}
