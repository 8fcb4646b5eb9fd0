using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

/// <summary>
/// The formats of the ids the API takes, in one place (API-SPECIFICATION.yml carries the same patterns). They are
/// the formats the grains create: a flight id as admin creation accepts it (FlightRules), a seat as a layout expands
/// (row 1-120 and one column letter), a PNR as a booking accepts it, a passenger as a booking numbers them
/// (<c>{PNR}-{n}</c>), a bag tag as the Weight service reads it. Checked before any grain is touched, so a malformed
/// id is a 400 naming the field and never a key built from it.
/// </summary>
internal static partial class IdFormats
{
    public const string FlightIdPattern = "^[A-Z0-9]{2,12}$";
    public const string SeatNumberPattern = "^[1-9][0-9]{0,2}[A-Z]$";
    public const string PnrPattern = "^[A-Z0-9]{6}$";
    public const string PassengerIdPattern = "^[A-Z0-9]{6}-[1-9][0-9]?$";
    public const string BagTagPattern = "^[A-Za-z0-9]{1,20}$";

    private enum Kind
    {
        FlightId,
        SeatNumber,
        Pnr,
        PassengerId,
    }

    /// <summary>Route values and query parameters that are ids, by name: whatever endpoint declares them is covered.</summary>
    private static readonly Dictionary<string, Kind> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["flightId"] = Kind.FlightId,
        ["seatNumber"] = Kind.SeatNumber,
        ["seat"] = Kind.SeatNumber,
        ["pnr"] = Kind.Pnr,
        ["passengerId"] = Kind.PassengerId,
    };

    public static bool IsFlightId(string? value) => Whole(FlightId(), value);

    public static bool IsSeatNumber(string? value) => Whole(SeatNumber(), value);

    public static bool IsPnr(string? value) => Whole(Pnr(), value);

    public static bool IsPassengerId(string? value) => Whole(PassengerId(), value);

    public static bool IsBagTag(string? value) => Whole(BagTag(), value);

    // .NET's '$' also matches before a final newline: "SH101\n" must not pass as SH101.
    private static bool Whole(Regex pattern, string? value) => value is not null && !value.EndsWith('\n') && pattern.IsMatch(value);

    /// <summary>400 <c>VALIDATION_FAILED</c> for a malformed passenger id in a request body, else null.</summary>
    public static ProblemHttpResult? CheckPassengerId(string? value, string field) =>
        IsPassengerId(value) ? null : Invalid(field, Kind.PassengerId);

    /// <summary>400 <c>VALIDATION_FAILED</c> for a malformed flight id in a request body, else null.</summary>
    public static ProblemHttpResult? CheckFlightId(string? value, string field) =>
        IsFlightId(value) ? null : Invalid(field, Kind.FlightId);

    /// <summary>400 <c>VALIDATION_FAILED</c> for a malformed PNR in a request body, else null.</summary>
    public static ProblemHttpResult? CheckPnr(string? value, string field) =>
        IsPnr(value) ? null : Invalid(field, Kind.Pnr);

    /// <summary>
    /// Checks every id in the matched route's values and the query string before the endpoint runs (after
    /// authentication and the admin key, so a caller without access learns nothing about formats).
    /// </summary>
    public static IApplicationBuilder UseIdFormatCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api") && context.GetEndpoint() is not null && FindMalformed(context.Request) is { } problem)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static ProblemHttpResult? FindMalformed(HttpRequest request)
    {
        foreach (var (name, value) in request.RouteValues)
        {
            if (Named.TryGetValue(name, out var kind) && !Matches(kind, value as string))
            {
                return Invalid(name, kind);
            }
        }
        foreach (var (name, values) in request.Query)
        {
            if (Named.TryGetValue(name, out var kind) && values.Any(v => !Matches(kind, v)))
            {
                return Invalid(name, kind);
            }
        }
        return null;
    }

    private static bool Matches(Kind kind, string? value) => kind switch
    {
        Kind.FlightId => IsFlightId(value),
        Kind.SeatNumber => IsSeatNumber(value),
        Kind.Pnr => IsPnr(value),
        _ => IsPassengerId(value),
    };

    private static ProblemHttpResult Invalid(string field, Kind kind) => Problems.Validation(field, kind switch
    {
        Kind.FlightId => $"{field} must be 2-12 upper-case letters or digits, e.g. SH101.",
        Kind.SeatNumber => $"{field} must be a row number (1-999) and an upper-case seat letter, e.g. 12C.",
        Kind.Pnr => $"{field} must be a booking reference of 6 upper-case letters or digits, e.g. ABC123.",
        _ => $"{field} must be a passenger id of the booking, {{PNR}}-{{n}}, e.g. ABC123-1.",
    });

    [GeneratedRegex(FlightIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex FlightId();

    [GeneratedRegex(SeatNumberPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SeatNumber();

    [GeneratedRegex(PnrPattern, RegexOptions.CultureInvariant)]
    private static partial Regex Pnr();

    [GeneratedRegex(PassengerIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex PassengerId();

    [GeneratedRegex(BagTagPattern, RegexOptions.CultureInvariant)]
    private static partial Regex BagTag();
}
