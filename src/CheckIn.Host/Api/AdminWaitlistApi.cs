using System.Diagnostics;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

public sealed record SeatBlockRequest(string? Reason);

/// <summary>
/// Airline operations on a flight's waitlist and its seats: the whole line, blocking a free seat and unblocking one
/// (an unblocked seat is offered to the waitlist first). Requires <c>X-Admin-Key</c>.
/// </summary>
internal static class AdminWaitlistApi
{
    public const int MaxReasonLength = 200;

    public static RouteGroupBuilder MapAdminWaitlistApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(AdminKey.PathPrefix + "/flights/{flightId}").WithTags("Admin");
        group.MapGet("/waitlist", GetWaitlist).WithName("GetWaitlist")
            .WithSummary("Every waitlist entry of the flight in joining order, with places in line.")
            .ProducesProblems(400, 401, 404, 503);
        group.MapPost("/seats/{seatNumber}/block", Block).WithName("BlockSeat")
            .WithSummary("Block a free seat (→ BLOCKED); a held or confirmed seat is refused with SEAT_OCCUPIED.")
            .ProducesProblems(400, 401, 404, 409, 413, 415, 503);
        group.MapPost("/seats/{seatNumber}/unblock", Unblock).WithName("UnblockSeat")
            .WithSummary("Unblock a seat: it is offered to the waitlist first, then becomes AVAILABLE to anyone.")
            .ProducesProblems(400, 401, 404, 413, 415, 503);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<WaitlistEntryResponse>>, ProblemHttpResult>> GetWaitlist(
        string flightId, FlightCatalog flights, IGrainFactory grains)
    {
        if (await flights.FindAsync(flightId) is null)
        {
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }
        var entries = await grains.GetWaitlistGrain(flightId).ListAsync();
        IReadOnlyList<WaitlistEntryResponse> response = [.. entries.Select(e => WaitlistApi.ToResponse(flightId, e))];
        return TypedResults.Ok(response);
    }

    /// <summary>What blocking and unblocking need besides the body: the seat from the route and the services.</summary>
    public readonly record struct AdminSeatScope(string FlightId, string SeatNumber, FlightCatalog Flights, SeatMapCache Maps, IGrainFactory Grains);

    public static Task<Results<Ok<SeatResponse>, ProblemHttpResult>> Block(SeatBlockRequest? request, [AsParameters] AdminSeatScope scope) =>
        RunAsync(request, "blocked by an operator", scope, (seat, context) => seat.BlockAsync(context));

    public static Task<Results<Ok<SeatResponse>, ProblemHttpResult>> Unblock(SeatBlockRequest? request, [AsParameters] AdminSeatScope scope) =>
        RunAsync(request, "unblocked by an operator", scope, (seat, context) => seat.UnblockAsync(context));

    private static async Task<Results<Ok<SeatResponse>, ProblemHttpResult>> RunAsync(
        SeatBlockRequest? request, string defaultReason, AdminSeatScope scope, Func<ISeatGrain, CommandContext, Task<Result<SeatSnapshot>>> command)
    {
        var (flightId, seatNumber, flights, maps, grains) = scope;
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? defaultReason : request.Reason.Trim();
        if (reason.Length > MaxReasonLength)
        {
            return Problems.Validation("reason", $"reason must be at most {MaxReasonLength} characters.");
        }
        if (await flights.FindAsync(flightId) is not { } flight)
        {
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }
        if (flight.FindSeat(seatNumber) is null)
        {
            return Problems.From(new Error(FailureCode.SeatNotFound, $"Flight {flightId} has no seat {seatNumber}.", "seatNumber"));
        }
        var context = new CommandContext("admin", reason, Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N"));
        var result = await command(grains.GetSeatGrain(flightId, seatNumber), context);
        maps.Invalidate(flightId);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }
        var s = result.Value;
        return TypedResults.Ok(new SeatResponse(s.FlightId, s.SeatNumber, s.Status, s.PassengerId, s.HoldExpiresAt));
    }
}
