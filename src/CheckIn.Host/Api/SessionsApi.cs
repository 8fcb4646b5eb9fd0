using CheckIn.Contracts.Abuse;
using CheckIn.Host.Abuse;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

public sealed record CreateSessionRequest(string? Pnr, string? LastName);

public sealed record SessionPassenger(string PassengerId, string FirstName, string LastName, Cabin Cabin);

public sealed record SessionFlight(string FlightId, DateTimeOffset Departure);

public sealed record SessionResponse(
    string Token,
    DateTimeOffset ExpiresAt,
    string Pnr,
    IReadOnlyList<SessionPassenger> Passengers,
    IReadOnlyList<SessionFlight> Flights);

/// <summary>Finding a booking: PNR + last name in, passenger session token out.</summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/sessions").WithTags("Sessions");
        group.MapPost("", CreateSession)
            .WithName("CreateSession")
            .RateLimited(LimitedAction.Session)
            .WithSummary("Find a booking by PNR and last name and start a passenger session.")
            .ProducesProblems(400, 401, 413, 415, 503);
        return group;
    }

    public static async Task<Results<Created<SessionResponse>, ProblemHttpResult>> CreateSession(
        CreateSessionRequest? request, IGrainFactory grains, SessionTokens tokens)
    {
        if (string.IsNullOrWhiteSpace(request?.Pnr))
        {
            return Problems.Validation("pnr", "pnr is required.");
        }
        if (string.IsNullOrWhiteSpace(request.LastName))
        {
            return Problems.Validation("lastName", "lastName is required.");
        }
        var pnr = request.Pnr.Trim().ToUpperInvariant();
        // A reference that cannot exist is bad input, said as such; the format is public, so this tells a prober
        // nothing about which bookings exist.
        if (IdFormats.CheckPnr(pnr, "pnr") is { } malformed)
        {
            return malformed;
        }
        var booking = await grains.GetBookingGrain(pnr).GetAsync();
        if (booking is null || !booking.HasLastName(request.LastName))
        {
            // One answer for "no such PNR" and "wrong name", so the API cannot be used to probe bookings.
            return Problems.Create(401, ProblemCodes.InvalidCredentials, "No booking matches that booking reference and last name.");
        }
        var (token, expiresAt) = tokens.Issue(booking);
        var response = new SessionResponse(
            token,
            expiresAt,
            booking.Pnr,
            [.. booking.Passengers.Select(p => new SessionPassenger(p.PassengerId, p.FirstName, p.LastName, p.Cabin))],
            [.. booking.Flights.Select(f => new SessionFlight(f.FlightId, f.Departure))]);
        return TypedResults.Created("/api/sessions/current", response);
    }
}
