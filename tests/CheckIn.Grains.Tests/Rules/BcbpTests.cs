using CheckIn.Contracts.Flights;
using CheckIn.Grains.CheckIns;

namespace CheckIn.Grains.Tests.Rules;

public sealed class BcbpTests
{
    private static readonly BcbpData Sample = new(
        LastName: "Desmarais", FirstName: "Luc", Pnr: "ABC123", Origin: "YUL", Destination: "FRA", FlightId: "AC834",
        FlightDate: new DateOnly(2026, 11, 22), Cabin: Cabin.Business, SeatNumber: "1A", SequenceNumber: 25, BagsChecked: false);

    [Fact]
    public void The_mandatory_section_is_60_characters_field_by_field()
    {
        var bcbp = Bcbp.Encode(Sample);

        Assert.Equal(60, bcbp.Length);
        Assert.Equal("M", bcbp[0..1]);                      // format code
        Assert.Equal("1", bcbp[1..2]);                      // legs encoded
        Assert.Equal("DESMARAIS/LUC       ", bcbp[2..22]);  // passenger name, 20
        Assert.Equal("E", bcbp[22..23]);                    // electronic ticket
        Assert.Equal("ABC123 ", bcbp[23..30]);              // PNR, 7
        Assert.Equal("YUL", bcbp[30..33]);                  // from
        Assert.Equal("FRA", bcbp[33..36]);                  // to
        Assert.Equal("AC ", bcbp[36..39]);                  // carrier, 3
        Assert.Equal("0834 ", bcbp[39..44]);                // flight number, 5
        Assert.Equal("326", bcbp[44..47]);                  // Julian date: 22 November 2026 is day 326
        Assert.Equal("J", bcbp[47..48]);                    // compartment
        Assert.Equal("001A", bcbp[48..52]);                 // seat
        Assert.Equal("0025 ", bcbp[52..57]);                // check-in sequence
        Assert.Equal("1", bcbp[57..58]);                    // passenger status: checked in
        Assert.Equal("00", bcbp[58..60]);                   // no conditional section
        Assert.Equal("M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100", bcbp);
    }

    [Fact]
    public void Long_names_are_cut_to_twenty_characters_and_accents_dropped()
    {
        var bcbp = Bcbp.Encode(Sample with { LastName = "Müller-Lüdenscheidt", FirstName = "Zoë Anne" });

        Assert.Equal(60, bcbp.Length);
        Assert.Equal("MULLERLUDENSCHEIDT/Z", bcbp[2..22]);
    }

    [Theory]
    [InlineData("SH101", "SH", "0101 ")]
    [InlineData("BAW1", "BAW", "0001 ")]
    [InlineData("U21234", "U2", "1234 ")]
    [InlineData("LH400A", "LH", "0400A")]
    public void Flight_ids_split_into_carrier_and_number(string flightId, string carrier, string number)
    {
        Assert.Equal((carrier, number), Bcbp.SplitFlightId(flightId));
    }

    [Theory]
    [InlineData("12A", "012A")]
    [InlineData("4F", "004F")]
    [InlineData("112K", "112K")]
    public void Seat_numbers_are_three_digits_and_a_letter(string seat, string field)
    {
        Assert.Equal(field, Bcbp.SeatField(seat));
    }

    [Theory]
    [InlineData(1, "0001 ")]
    [InlineData(9999, "9999 ")]
    [InlineData(10000, "10000")]
    public void Sequence_numbers_fill_five_characters(int sequence, string field)
    {
        Assert.Equal(field, Bcbp.SequenceField(sequence));
    }

    [Theory]
    [InlineData(Cabin.First, 'F')]
    [InlineData(Cabin.Business, 'J')]
    [InlineData(Cabin.PremiumEconomy, 'W')]
    [InlineData(Cabin.Economy, 'Y')]
    public void Cabins_have_their_iata_compartment_codes(Cabin cabin, char code)
    {
        Assert.Equal(code, Bcbp.CompartmentCode(cabin));
    }

    [Fact]
    public void Checked_bags_change_the_passenger_status()
    {
        Assert.Equal('3', Bcbp.Encode(Sample with { BagsChecked = true })[57]);
    }
}
