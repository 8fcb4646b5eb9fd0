using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Grains.Flights;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Rules;

public sealed class FlightRulesTests
{
    private static readonly DateTimeOffset Now = new(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_expands_the_a320_layout_into_168_seats()
    {
        var flight = Expand(SampleLayouts.A320);

        Assert.Equal(168, flight.Seats.Count);
        Assert.Equal(12, flight.Seats.Count(s => s.Cabin == Cabin.Business));
        Assert.Equal(156, flight.Seats.Count(s => s.Cabin == Cabin.Economy));
        Assert.Equal(Now, flight.CreatedAt);
        Assert.Equal("SH101", flight.FlightId);
    }

    [Fact]
    public void Create_lists_seats_by_row_then_column()
    {
        var flight = Expand(SampleLayouts.A320);

        Assert.Equal(["1A", "1C", "1D", "1F", "2A"], flight.Seats.Take(5).Select(s => s.SeatNumber));
        Assert.Equal("30F", flight.Seats[^1].SeatNumber);
        var row5 = flight.Seats.Where(s => s.Row == 5).ToList();
        Assert.Equal(["A", "B", "C", "D", "E", "F"], row5.Select(s => s.Column));
    }

    [Theory]
    [InlineData("1A", new[] { SeatCharacteristic.Window })]
    [InlineData("1C", new[] { SeatCharacteristic.Aisle })]
    [InlineData("1D", new[] { SeatCharacteristic.Aisle })]
    [InlineData("1F", new[] { SeatCharacteristic.Window })]
    [InlineData("5A", new[] { SeatCharacteristic.Window })]
    [InlineData("5B", new[] { SeatCharacteristic.Middle })]
    [InlineData("5C", new[] { SeatCharacteristic.Aisle })]
    [InlineData("5D", new[] { SeatCharacteristic.Aisle })]
    [InlineData("5E", new[] { SeatCharacteristic.Middle })]
    [InlineData("5F", new[] { SeatCharacteristic.Window })]
    [InlineData("4B", new[] { SeatCharacteristic.Middle, SeatCharacteristic.ExtraLegroom })]
    [InlineData("11A", new[] { SeatCharacteristic.Window, SeatCharacteristic.ExitRow, SeatCharacteristic.ExtraLegroom })]
    [InlineData("12C", new[] { SeatCharacteristic.Aisle, SeatCharacteristic.ExitRow, SeatCharacteristic.ExtraLegroom })]
    [InlineData("12E", new[] { SeatCharacteristic.Middle, SeatCharacteristic.ExitRow, SeatCharacteristic.ExtraLegroom })]
    public void Create_gives_each_seat_its_characteristics(string seatNumber, SeatCharacteristic[] expected)
    {
        var seat = Expand(SampleLayouts.A320).FindSeat(seatNumber);

        Assert.NotNull(seat);
        Assert.Equal(expected, seat.Characteristics);
    }

    [Fact]
    public void Create_skips_row_13()
    {
        var flight = Expand(SampleLayouts.A320);

        Assert.DoesNotContain(flight.Seats, s => s.Row == 13);
        Assert.Null(flight.FindSeat("13A"));
        Assert.NotNull(flight.FindSeat("12A"));
        Assert.NotNull(flight.FindSeat("14A"));
    }

    [Fact]
    public void Create_marks_only_the_listed_seats_blocked()
    {
        var flight = Expand(SampleLayouts.A320);

        Assert.Equal(["30A"], flight.Seats.Where(s => s.Blocked).Select(s => s.SeatNumber));
    }

    [Fact]
    public void Create_accepts_a_single_column_cabin_and_a_full_size_flight()
    {
        var single = Expand(SampleLayouts.A320 with { Cabins = [new CabinSection(Cabin.First, 1, 2, "A")], ExitRows = [], ExtraLegroomRows = [], BlockedSeats = [], SkippedRows = [] });
        var largest = Expand(new SeatLayout([new CabinSection(Cabin.Economy, 1, 120, "ABCDE_FGHJK")], [], [], [], []));

        Assert.Equal([SeatCharacteristic.Window], single.Seats[0].Characteristics);
        Assert.Equal(FlightRules.MaxSeats, largest.Seats.Count);
    }

    public static TheoryData<string, FlightDefinition> InvalidDefinitions()
    {
        var ok = SampleLayouts.A320Flight("SH101");
        var layout = ok.Layout;
        CabinSection Economy(string columns, int first = 4, int last = 30) => new(Cabin.Economy, first, last, columns);
        return new TheoryData<string, FlightDefinition>
        {
            { "flightId", ok with { FlightId = "sh101" } },
            { "flightId", ok with { FlightId = "S" } },
            { "origin", ok with { Origin = "LH" } },
            { "destination", ok with { Destination = "lhr" } },
            { "destination", ok with { Destination = ok.Origin } },
            { "departure", ok with { Departure = default } },
            { "layout.cabins", ok with { Layout = layout with { Cabins = [] } } },
            { "layout.cabins[1].cabin", ok with { Layout = layout with { Cabins = [layout.Cabins[0], new CabinSection((Cabin)99, 4, 30, "ABC")] } } },
            { "layout.cabins[1].columns", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("ABC__DEF")] } } },
            { "layout.cabins[1].columns", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("ABA_DEF")] } } },
            { "layout.cabins[1].columns", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("_ABC")] } } },
            { "layout.cabins[1].columns", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("abc")] } } },
            { "layout.cabins[1].firstRow", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("ABC", first: 30, last: 4)] } } },
            { "layout.cabins[1].firstRow", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("ABC", first: 3, last: 30)] } } },
            { "layout.cabins[1].firstRow", ok with { Layout = layout with { Cabins = [layout.Cabins[0], Economy("ABC", last: FlightRules.MaxRow + 1)] } } },
            { "layout.cabins[0].firstRow", ok with { Layout = layout with { Cabins = [new CabinSection(Cabin.Business, 0, 3, "AC_DF"), layout.Cabins[1]] } } },
            { "layout.cabins", ok with { Layout = new SeatLayout([new CabinSection(Cabin.Economy, 1, 120, "ABCDEF_GHJKL")], [], [], [], []) } },
            { "layout.exitRows", ok with { Layout = layout with { ExitRows = [11, 13] } } },
            { "layout.extraLegroomRows", ok with { Layout = layout with { ExtraLegroomRows = [31] } } },
            { "layout.blockedSeats", ok with { Layout = layout with { BlockedSeats = ["1B"] } } },
            { "layout.blockedSeats", ok with { Layout = layout with { BlockedSeats = ["13A"] } } },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public void Create_refuses_an_invalid_definition_naming_the_field(string field, FlightDefinition definition)
    {
        var result = FlightRules.Create(definition, Now);

        Assert.False(result.IsSuccess);
        Assert.Equal(FailureCode.ValidationFailed, result.Error.Code);
        Assert.Equal(field, result.Error.Field);
        Assert.StartsWith(field + " ", result.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("layout.exitRows", 0)]
    [InlineData("layout.exitRows", -1)]
    [InlineData("layout.extraLegroomRows", 0)]
    [InlineData("layout.extraLegroomRows", -1)]
    public void Create_refuses_a_row_number_that_is_not_positive(string field, int row)
    {
        var layout = field == "layout.exitRows"
            ? SampleLayouts.A320 with { ExitRows = [11, row] }
            : SampleLayouts.A320 with { ExtraLegroomRows = [4, row] };

        var result = FlightRules.Create(SampleLayouts.A320Flight("SH101") with { Layout = layout }, Now);

        Assert.False(result.IsSuccess, $"{field} lists row {row}, which is not a seat row, but the layout was accepted");
        Assert.Equal(field, result.Error.Field);
    }

    [Fact]
    public void SameDefinition_compares_lists_by_content()
    {
        var a = SampleLayouts.A320Flight("SH101");
        var b = a with { Layout = a.Layout with { ExitRows = [.. a.Layout.ExitRows], BlockedSeats = [.. a.Layout.BlockedSeats] } };

        Assert.True(FlightRules.SameDefinition(a, b));
        Assert.False(FlightRules.SameDefinition(a, b with { Layout = b.Layout with { BlockedSeats = ["30B"] } }));
        Assert.False(FlightRules.SameDefinition(a, b with { Departure = b.Departure.AddMinutes(5) }));
    }

    private static FlightInfo Expand(SeatLayout layout)
    {
        var result = FlightRules.Create(SampleLayouts.A320Flight("SH101") with { Layout = layout }, Now);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value;
    }
}
