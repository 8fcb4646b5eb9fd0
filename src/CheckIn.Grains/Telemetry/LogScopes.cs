using Microsoft.Extensions.Logging;

namespace CheckIn.Grains.Telemetry;

/// <summary>
/// The log scope of a state change or a block (<c>FlightId</c>, <c>SeatNumber</c>, <c>Passenger</c>, <c>Actor</c>,
/// <c>Reason</c>), and the pseudonymised forms of what a grain log line may say about a passenger.
/// </summary>
internal static class LogScopes
{
    private static readonly string[] PassengerActorPrefixes = ["passenger:", "booking:"];

    /// <summary>
    /// Opens the scope of one change; values that are null are left out. <paramref name="passenger"/> and
    /// <paramref name="actor"/> must already be pseudonymised.
    /// </summary>
    public static IDisposable? Change(ILogger logger, string? flightId, string? seatNumber, string? passenger, string? actor, string? reason) =>
        logger.BeginScope(new LogScope()
            .With("FlightId", flightId)
            .With("SeatNumber", seatNumber)
            .With("Passenger", passenger)
            .With("Actor", actor)
            .With("Reason", reason));

    /// <summary>
    /// An actor as a log line may show it: <c>passenger:ABC123-1</c> and <c>booking:ABC123</c> carry the booking
    /// reference, so their id part becomes its pseudonym (<c>passenger:psg_…</c>); other actors stay as they are.
    /// </summary>
    public static string Actor(this Pseudonyms pseudonyms, string actor)
    {
        foreach (var prefix in PassengerActorPrefixes)
        {
            if (actor.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix + pseudonyms.Passenger(actor[prefix.Length..]);
            }
        }
        return actor;
    }

    /// <summary>Several passengers' pseudonyms, comma-separated.</summary>
    public static string Passengers(this Pseudonyms pseudonyms, IEnumerable<string> passengerIds) =>
        string.Join(",", passengerIds.Select(pseudonyms.Passenger));

    /// <summary>
    /// A free-text reason with every passenger id and booking reference it names replaced by its pseudonym (a reason
    /// written for the audit trail may name them; the audit keeps that text, the log line does not).
    /// </summary>
    public static string Scrub(this Pseudonyms pseudonyms, string reason, IEnumerable<string> identifiers)
    {
        // Longest first: a passenger id (ABC123-1) contains its booking reference (ABC123).
        foreach (var id in identifiers.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(i => i.Length))
        {
            reason = reason.Replace(id, pseudonyms.Passenger(id), StringComparison.Ordinal);
        }
        return reason;
    }

    /// <summary>What a reason may name of a passenger: the id (<c>ABC123-1</c>) and its booking reference (<c>ABC123</c>).</summary>
    public static IEnumerable<string> IdentifiersOf(string? passengerId)
    {
        if (passengerId is null)
        {
            yield break;
        }
        yield return passengerId;
        if (passengerId.LastIndexOf('-') is var dash and > 0)
        {
            yield return passengerId[..dash];
        }
    }
}
