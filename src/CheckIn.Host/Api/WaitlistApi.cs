using System.Diagnostics;
using System.Security.Claims;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

/// <param name="Cabin">FIRST, BUSINESS, PREMIUM_ECONOMY or ECONOMY; default the passenger's booked cabin.</param>
/// <param name="Position">WINDOW, AISLE or ANY (default).</param>
/// <param name="TogetherWith">Other passengers of the booking to seat in one row with the passenger, all or none.</param>
public sealed record JoinWaitlistRequest(string? PassengerId, string? Cabin, string? Position, IReadOnlyList<string?>? TogetherWith);

public sealed record WaitlistEntryResponse(
    string FlightId, long EntryId, string Pnr, IReadOnlyList<string> PassengerIds, Cabin Cabin, SeatPreference Position, bool Together,
    WaitlistStatus Status, int? PlaceInLine, IReadOnlyList<string> AssignedSeats, string? Reason, DateTimeOffset JoinedAt,
    DateTimeOffset UpdatedAt, long Version);

/// <summary>A flight's waitlist as a passenger of the session's booking sees it: join, look, leave.</summary>
internal static class WaitlistApi
{
    public static RouteGroupBuilder MapWaitlistApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flights/{flightId}/waitlist").WithTags("Waitlist").RequireAuthorization();
        group.MapPost("", Join).WithName("JoinWaitlist")
            .WithSummary("Join the flight's waitlist for a seat of a kind (cabin, position), alone or together with others of the booking.")
            .AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblems(400, 401, 403, 404, 409, 413, 415, 422, 503);
        group.MapGet("/{passengerId}", Get).WithName("GetWaitlistEntry")
            .WithSummary("The passenger's latest waitlist entry: status, place in line, assigned seats.")
            .ProducesProblems(400, 401, 403, 404, 503);
        group.MapDelete("/{passengerId}", Leave).WithName("LeaveWaitlist")
            .WithSummary("Leave the waitlist (WAITING → LEFT); repeating it returns the LEFT entry.")
            .AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblems(400, 401, 403, 404, 409, 422, 503);
        return group;
    }

    public static async Task<Results<Created<WaitlistEntryResponse>, Ok<WaitlistEntryResponse>, ProblemHttpResult>> Join(
        string flightId, JoinWaitlistRequest? request, ClaimsPrincipal user, FlightCatalog flights, IGrainFactory grains)
    {
        var (valid, invalid) = JoinWaitlistValidation.Validate(request);
        if (invalid is not null)
        {
            return invalid;
        }
        var (passengers, cabin, position) = valid!;
        foreach (var (id, field) in passengers)
        {
            if (!user.MayActFor(id))
            {
                return Problems.Create(403, ProblemCodes.Forbidden, $"Passenger {id} is not on this session's booking.", field);
            }
        }
        if (await flights.FindAsync(flightId) is null)
        {
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }

        // The waitlist decides who may join (booking, cabin, row width, preference met, already waiting); we only ask.
        var waitlist = grains.GetWaitlistGrain(flightId);
        var previous = (await waitlist.GetAsync(passengers[0].Id)).Value?.Sequence ?? 0;
        var join = new WaitlistJoin(user.Pnr()!, [.. passengers.Select(p => p.Id)], cabin, position);
        var result = await waitlist.JoinAsync(join, Context(passengers[0].Id));
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }
        var entry = ToResponse(flightId, result.Value);
        // The grain answers a repeat with the entry already waiting: only an entry newer than the passenger's latest
        // one before the call was created by this request.
        return result.Value.Sequence > previous
            ? TypedResults.Created(LocationOf(flightId, passengers[0].Id), entry)
            : TypedResults.Ok(entry);
    }

    public static async Task<Results<Ok<WaitlistEntryResponse>, ProblemHttpResult>> Get(
        string flightId, string passengerId, ClaimsPrincipal user, FlightCatalog flights, IGrainFactory grains)
    {
        if (await AuthorizeAsync(flightId, passengerId, user, flights) is { } refused)
        {
            return refused;
        }
        var result = await grains.GetWaitlistGrain(flightId).GetAsync(passengerId);
        return result.IsSuccess ? TypedResults.Ok(ToResponse(flightId, result.Value)) : Problems.From(result.Error);
    }

    public static async Task<Results<Ok<WaitlistEntryResponse>, ProblemHttpResult>> Leave(
        string flightId, string passengerId, ClaimsPrincipal user, FlightCatalog flights, IGrainFactory grains)
    {
        if (await AuthorizeAsync(flightId, passengerId, user, flights) is { } refused)
        {
            return refused;
        }
        var result = await grains.GetWaitlistGrain(flightId).LeaveAsync(passengerId, Context(passengerId));
        return result.IsSuccess ? TypedResults.Ok(ToResponse(flightId, result.Value)) : Problems.From(result.Error);
    }

    private static async Task<ProblemHttpResult?> AuthorizeAsync(string flightId, string passengerId, ClaimsPrincipal user, FlightCatalog flights)
    {
        if (!user.MayActFor(passengerId))
        {
            return Problems.Create(403, ProblemCodes.Forbidden, $"Passenger {passengerId} is not on this session's booking.", "passengerId");
        }
        return await flights.FindAsync(flightId) is null
            ? Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"))
            : null;
    }

    private static CommandContext Context(string passengerId) =>
        new($"passenger:{passengerId}", "passenger request", Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N"));

    private static string LocationOf(string flightId, string passengerId) =>
        $"/api/flights/{Uri.EscapeDataString(flightId)}/waitlist/{Uri.EscapeDataString(passengerId)}";

    public static WaitlistEntryResponse ToResponse(string flightId, WaitlistEntry e) =>
        new(flightId, e.Sequence, e.Pnr, e.PassengerIds, e.Cabin, e.Position, e.Together, e.Status, e.PlaceInLine, e.AssignedSeats, e.Reason,
            e.JoinedAt, e.UpdatedAt, e.Version);
}
