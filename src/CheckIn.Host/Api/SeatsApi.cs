using CheckIn.Contracts.Abuse;
using CheckIn.Host.Abuse;
using System.Diagnostics;
using System.Security.Claims;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

public sealed record SeatCommandRequest(string? PassengerId);

public sealed record SeatResponse(string FlightId, string SeatNumber, SeatStatus Status, string? PassengerId, DateTimeOffset? HoldExpiresAt);

/// <summary>Hold, confirm and release a seat for a passenger of the caller's booking.</summary>
internal static class SeatsApi
{
    private enum SeatCommand
    {
        Hold,
        Confirm,
        Release,
    }

    public static RouteGroupBuilder MapSeatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flights/{flightId}/seats/{seatNumber}")
            .WithTags("Seats")
            .RequireAuthorization()
            .AddEndpointFilter<IdempotencyFilter>()
            .AddEndpointFilter(Problems.AddRetryAfter)
            .RateLimited(LimitedAction.SeatCommand);
        // Retried once inside the host after a transient failure (OutageRetry): a hold or confirm whose first try
        // landed is answered the same again, since the seat stays the passenger's. Not a release: once it landed the
        // seat is free, another passenger may take it within the retry's pause, and the repeat would then say
        // NOT_HOLDER for a release that happened (the fault suite caught exactly that).
        group.MapPost("/hold", Hold).WithName("HoldSeat").SafeToRetry()
            .WithSummary("Hold a seat for a passenger (AVAILABLE → HELD); releases the passenger's previous seat on the flight.");
        group.MapPost("/confirm", Confirm).WithName("ConfirmSeat").SafeToRetry()
            .WithSummary("Confirm the passenger's hold (HELD → CONFIRMED).")
            .ProducesProblems(410);
        group.MapPost("/release", Release).WithName("ReleaseSeat")
            .WithSummary("Release the passenger's held or confirmed seat (→ AVAILABLE).");
        group.ProducesProblems(400, 401, 403, 404, 409, 413, 415, 422, 503);
        return group;
    }

    /// <summary>What every seat command needs besides its body: the route values, the caller and the services.</summary>
    public readonly record struct SeatCommandScope(
        string FlightId, string SeatNumber, ClaimsPrincipal User, FlightCatalog Flights, SeatMapCache Maps, IGrainFactory Grains, AbuseRejections Rejections);

    public static Task<Results<Ok<SeatResponse>, ProblemHttpResult>> Hold(SeatCommandRequest? request, [AsParameters] SeatCommandScope scope) =>
        RunAsync(SeatCommand.Hold, request, scope);

    public static Task<Results<Ok<SeatResponse>, ProblemHttpResult>> Confirm(SeatCommandRequest? request, [AsParameters] SeatCommandScope scope) =>
        RunAsync(SeatCommand.Confirm, request, scope);

    public static Task<Results<Ok<SeatResponse>, ProblemHttpResult>> Release(SeatCommandRequest? request, [AsParameters] SeatCommandScope scope) =>
        RunAsync(SeatCommand.Release, request, scope);

    private static async Task<Results<Ok<SeatResponse>, ProblemHttpResult>> RunAsync(SeatCommand command, SeatCommandRequest? request, SeatCommandScope scope)
    {
        var (flightId, seatNumber, user, flights, maps, grains, rejections) = scope;
        if (string.IsNullOrWhiteSpace(request?.PassengerId))
        {
            return Problems.Validation("passengerId", "passengerId is required.");
        }
        var passengerId = request.PassengerId;
        if (IdFormats.CheckPassengerId(passengerId, "passengerId") is { } malformed)
        {
            return malformed;
        }
        if (!user.MayActFor(passengerId))
        {
            return Problems.Create(403, ProblemCodes.Forbidden, $"Passenger {passengerId} is not on this session's booking.", "passengerId");
        }
        if (await flights.FindAsync(flightId) is not { } flight)
        {
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }
        if (!user.MayUseFlight(flightId))
        {
            return Problems.Create(403, ProblemCodes.Forbidden, $"Flight {flightId} is not on this session's booking.", "flightId");
        }
        if (flight.FindSeat(seatNumber) is null)
        {
            return Problems.From(new Error(FailureCode.SeatNotFound, $"Flight {flightId} has no seat {seatNumber}.", "seatNumber"));
        }

        var context = new CommandContext($"passenger:{passengerId}", "passenger request", Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N"));
        var passenger = grains.GetPassengerSeatGrain(flightId, passengerId);
        var result = command switch
        {
            SeatCommand.Hold => await passenger.HoldAsync(seatNumber, context),
            SeatCommand.Confirm => await passenger.ConfirmAsync(seatNumber, context),
            _ => await passenger.ReleaseAsync(seatNumber, context),
        };
        maps.Invalidate(flightId);
        if (!result.IsSuccess && result.Error.Code == FailureCode.HoldCooldown)
        {
            rejections.HoldCooldown(flight.FlightId, passengerId);
        }
        return result.IsSuccess ? TypedResults.Ok(ToResponse(result.Value)) : Problems.From(result.Error);
    }

    private static SeatResponse ToResponse(SeatSnapshot seat) =>
        new(seat.FlightId, seat.SeatNumber, seat.Status, seat.PassengerId, seat.HoldExpiresAt);
}
