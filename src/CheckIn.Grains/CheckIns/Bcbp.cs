using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CheckIn.Contracts.Flights;

namespace CheckIn.Grains.CheckIns;

/// <summary>The mandatory items of an IATA Bar Coded Boarding Pass (Resolution 792, format "M", one leg).</summary>
public sealed record BcbpData(
    string LastName,
    string FirstName,
    string Pnr,
    string Origin,
    string Destination,
    string FlightId,
    DateOnly FlightDate,
    Cabin Cabin,
    string SeatNumber,
    int SequenceNumber,
    bool BagsChecked);

/// <summary>
/// Encodes the 60-character mandatory section of a one-leg BCBP in format "M" (no conditional section, so its size
/// field is "00"). Fixed-width, upper-case ASCII; longer values are truncated and shorter ones padded with spaces.
/// </summary>
public static partial class Bcbp
{
    public const int MandatoryLength = 60;

    public static string Encode(BcbpData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (carrier, number) = SplitFlightId(data.FlightId);
        var b = new StringBuilder(MandatoryLength);
        b.Append('M');                                                        // 1  format code
        b.Append('1');                                                        // 2  number of legs encoded
        b.Append(Field(Ascii(data.LastName) + "/" + Ascii(data.FirstName), 20)); // 3-22 passenger name
        b.Append('E');                                                        // 23 electronic ticket indicator
        b.Append(Field(Ascii(data.Pnr), 7));                                  // 24-30 operating carrier PNR code
        b.Append(Field(Ascii(data.Origin), 3));                               // 31-33 from city airport code
        b.Append(Field(Ascii(data.Destination), 3));                          // 34-36 to city airport code
        b.Append(Field(carrier, 3));                                          // 37-39 operating carrier designator
        b.Append(number);                                                     // 40-44 flight number
        b.Append(data.FlightDate.DayOfYear.ToString("000", CultureInfo.InvariantCulture)); // 45-47 date of flight (Julian)
        b.Append(CompartmentCode(data.Cabin));                                // 48 compartment code
        b.Append(SeatField(data.SeatNumber));                                 // 49-52 seat number
        b.Append(SequenceField(data.SequenceNumber));                         // 53-57 check-in sequence number
        b.Append(data.BagsChecked ? '3' : '1');                               // 58 passenger status
        b.Append("00");                                                       // 59-60 size of the conditional section
        return b.ToString();
    }

    /// <summary>IATA compartment codes: F first, J business, W premium economy, Y economy.</summary>
    public static char CompartmentCode(Cabin cabin) => cabin switch
    {
        Cabin.First => 'F',
        Cabin.Business => 'J',
        Cabin.PremiumEconomy => 'W',
        _ => 'Y',
    };

    /// <summary>
    /// Splits "SH101" into the carrier designator "SH" and the flight number "0101 " (four digits and an optional
    /// operational suffix). An id that does not look like a flight number keeps its first two characters as carrier.
    /// </summary>
    public static (string Carrier, string Number) SplitFlightId(string flightId)
    {
        var match = FlightIdPattern().Match(flightId.ToUpperInvariant());
        if (!match.Success)
        {
            var digits = new string(flightId.Where(char.IsAsciiDigit).TakeLast(4).ToArray());
            return (Field(Ascii(flightId.Length >= 2 ? flightId[..2] : flightId), 2).TrimEnd(), (digits.Length == 0 ? "0" : digits).PadLeft(4, '0') + " ");
        }
        var suffix = match.Groups["suffix"].Value;
        return (match.Groups["carrier"].Value, match.Groups["number"].Value.PadLeft(4, '0') + (suffix.Length == 0 ? " " : suffix));
    }

    /// <summary>"12A" → "012A".</summary>
    public static string SeatField(string seatNumber)
    {
        var digits = new string(seatNumber.TakeWhile(char.IsAsciiDigit).ToArray());
        var letter = seatNumber[digits.Length..];
        return Field(digits.PadLeft(3, '0') + Ascii(letter), 4);
    }

    /// <summary>1 → "0001 "; 5-digit numbers use the whole field.</summary>
    public static string SequenceField(int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 99999);
        return sequence < 10000 ? sequence.ToString("0000", CultureInfo.InvariantCulture) + " " : sequence.ToString("00000", CultureInfo.InvariantCulture);
    }

    private static string Field(string value, int width) => value.Length >= width ? value[..width] : value.PadRight(width);

    /// <summary>Upper-case A-Z, 0-9 and spaces only: accents are dropped to their base letter, anything else removed.</summary>
    private static string Ascii(string value)
    {
        string decomposed;
        try
        {
            decomposed = value.Normalize(NormalizationForm.FormD);
        }
        catch (PlatformNotSupportedException)
        {
            // Invariant globalization without normalization data: accented letters are then dropped, not mapped.
            decomposed = value;
        }
        var b = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var u = char.ToUpperInvariant(c);
            if (char.IsAsciiLetterUpper(u) || char.IsAsciiDigit(u) || u == ' ')
            {
                b.Append(u);
            }
        }
        return b.ToString().Trim();
    }

    [GeneratedRegex(@"^(?<carrier>[A-Z0-9]{2}[A-Z]?)(?<number>[0-9]{1,4})(?<suffix>[A-Z]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex FlightIdPattern();
}
