using System.Text.RegularExpressions;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;

namespace CheckIn.Grains.Flights;

/// <summary>Validates a flight definition and expands its layout into seats. Pure.</summary>
internal static partial class FlightRules
{
    public const int MaxRow = 120;
    public const int MaxSeats = 1200;

    public static Result<FlightInfo> Create(FlightDefinition definition, DateTimeOffset now)
    {
        if (!FlightIdPattern().IsMatch(definition.FlightId ?? ""))
        {
            return Invalid("flightId", "must be 2-12 upper-case letters or digits, e.g. SH101.");
        }
        if (!AirportPattern().IsMatch(definition.Origin ?? ""))
        {
            return Invalid("origin", "must be a three-letter upper-case IATA airport code.");
        }
        if (!AirportPattern().IsMatch(definition.Destination ?? "") || definition.Destination == definition.Origin)
        {
            return Invalid("destination", "must be a three-letter upper-case IATA airport code other than the origin.");
        }
        if (definition.Departure == default)
        {
            return Invalid("departure", "is required.");
        }
        var layout = definition.Layout;
        if (layout?.Cabins is null || layout.Cabins.Count == 0)
        {
            return Invalid("layout.cabins", "must list at least one cabin.");
        }

        if (layout.BlockedSeats?.Any(string.IsNullOrWhiteSpace) == true)
        {
            return Invalid("layout.blockedSeats", "must list seat numbers such as 30A.");
        }
        var skipped = (layout.SkippedRows ?? []).ToHashSet();
        var exitRows = (layout.ExitRows ?? []).ToHashSet();
        var legroomRows = (layout.ExtraLegroomRows ?? []).ToHashSet();
        var blocked = (layout.BlockedSeats ?? []).ToHashSet(StringComparer.Ordinal);
        var seats = new List<SeatDefinition>();
        var usedRows = new HashSet<int>();

        for (var c = 0; c < layout.Cabins.Count; c++)
        {
            var cabin = layout.Cabins[c];
            var field = $"layout.cabins[{c}]";
            if (cabin is null || !Enum.IsDefined(cabin.Cabin))
            {
                return Invalid($"{field}.cabin", "must be FIRST, BUSINESS, PREMIUM_ECONOMY or ECONOMY.");
            }
            if (cabin.FirstRow < 1 || cabin.LastRow > MaxRow || cabin.FirstRow > cabin.LastRow)
            {
                return Invalid($"{field}.firstRow", $"rows must satisfy 1 <= firstRow <= lastRow <= {MaxRow}.");
            }
            if (!ColumnsPattern().IsMatch(cabin.Columns ?? "") || cabin.Columns!.Replace("_", "", StringComparison.Ordinal).Distinct().Count() != cabin.Columns.Count(ch => ch != '_'))
            {
                return Invalid($"{field}.columns", "must be distinct seat letters with '_' for aisles, e.g. ABC_DEF.");
            }
            for (var row = cabin.FirstRow; row <= cabin.LastRow; row++)
            {
                if (skipped.Contains(row))
                {
                    continue;
                }
                if (!usedRows.Add(row))
                {
                    return Invalid($"{field}.firstRow", $"row {row} belongs to two cabins.");
                }
                seats.AddRange(SeatsOfRow(cabin, row, exitRows.Contains(row), legroomRows.Contains(row) || exitRows.Contains(row), blocked));
            }
        }

        if (seats.Count > MaxSeats)
        {
            return Invalid("layout.cabins", $"a flight has at most {MaxSeats} seats.");
        }
        if (exitRows.Where(r => !usedRows.Contains(r)).Select(r => (int?)r).FirstOrDefault() is { } badExit)
        {
            return Invalid("layout.exitRows", $"row {badExit} is not a seat row.");
        }
        if (legroomRows.Where(r => !usedRows.Contains(r)).Select(r => (int?)r).FirstOrDefault() is { } badLegroom)
        {
            return Invalid("layout.extraLegroomRows", $"row {badLegroom} is not a seat row.");
        }
        var seatNumbers = seats.Select(s => s.SeatNumber).ToHashSet(StringComparer.Ordinal);
        if (blocked.FirstOrDefault(s => !seatNumbers.Contains(s)) is { } badSeat)
        {
            return Invalid("layout.blockedSeats", $"seat {badSeat} does not exist in this layout.");
        }

        seats.Sort((a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : string.CompareOrdinal(a.Column, b.Column));
        return Result<FlightInfo>.Ok(new FlightInfo(definition, seats, now));
    }

    /// <summary>True when two definitions describe the same flight (lists compared by content).</summary>
    public static bool SameDefinition(FlightDefinition a, FlightDefinition b) =>
        a.FlightId == b.FlightId && a.Origin == b.Origin && a.Destination == b.Destination && a.Departure == b.Departure
        && a.Layout.Cabins.SequenceEqual(b.Layout.Cabins)
        && a.Layout.ExitRows.SequenceEqual(b.Layout.ExitRows)
        && a.Layout.ExtraLegroomRows.SequenceEqual(b.Layout.ExtraLegroomRows)
        && a.Layout.BlockedSeats.SequenceEqual(b.Layout.BlockedSeats)
        && a.Layout.SkippedRows.SequenceEqual(b.Layout.SkippedRows);

    private static IEnumerable<SeatDefinition> SeatsOfRow(CabinSection cabin, int row, bool exitRow, bool extraLegroom, HashSet<string> blocked)
    {
        var columns = cabin.Columns;
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i] == '_')
            {
                continue;
            }
            var traits = new List<SeatCharacteristic>(3);
            var window = i == 0 || i == columns.Length - 1;
            var aisle = (i > 0 && columns[i - 1] == '_') || (i < columns.Length - 1 && columns[i + 1] == '_');
            if (window)
            {
                traits.Add(SeatCharacteristic.Window);
            }
            if (aisle)
            {
                traits.Add(SeatCharacteristic.Aisle);
            }
            if (!window && !aisle)
            {
                traits.Add(SeatCharacteristic.Middle);
            }
            if (exitRow)
            {
                traits.Add(SeatCharacteristic.ExitRow);
            }
            if (extraLegroom)
            {
                traits.Add(SeatCharacteristic.ExtraLegroom);
            }
            var number = $"{row}{columns[i]}";
            yield return new SeatDefinition(number, row, columns[i].ToString(), cabin.Cabin, traits, blocked.Contains(number));
        }
    }

    private static Result<FlightInfo> Invalid(string field, string problem) =>
        Result<FlightInfo>.Fail(FailureCode.ValidationFailed, $"{field} {problem}", field);

    [GeneratedRegex("^[A-Z0-9]{2,12}$")]
    private static partial Regex FlightIdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex AirportPattern();

    [GeneratedRegex("^[A-Z](_?[A-Z])*$")]
    private static partial Regex ColumnsPattern();
}
