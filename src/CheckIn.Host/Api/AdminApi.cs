using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Audit;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CheckIn.Host.Api;

public sealed record CabinRequest(Cabin? Cabin, int? FirstRow, int? LastRow, string? Columns);

public sealed record LayoutRequest(
    IReadOnlyList<CabinRequest>? Cabins,
    IReadOnlyList<int>? ExitRows,
    IReadOnlyList<int>? ExtraLegroomRows,
    IReadOnlyList<string>? BlockedSeats,
    IReadOnlyList<int>? SkippedRows);

public sealed record CreateFlightRequest(string? FlightId, string? Origin, string? Destination, DateTimeOffset? Departure, LayoutRequest? Layout);

public sealed record FlightResponse(string FlightId, string Origin, string Destination, DateTimeOffset Departure, int SeatCount, DateTimeOffset CreatedAt);

public sealed record PassengerNameRequest(string? FirstName, string? LastName, Cabin? Cabin = null);

public sealed record CreateBookingRequest(string? Pnr, IReadOnlyList<PassengerNameRequest>? Passengers, IReadOnlyList<string>? Flights);

public sealed record BookingResponse(string Pnr, IReadOnlyList<SessionPassenger> Passengers, IReadOnlyList<SessionFlight> Flights);

public sealed record SeatEventResponse(
    Guid EventId, string FlightId, string SeatNumber, SeatStatus From, SeatStatus To, string? PassengerId,
    string Actor, string Reason, DateTimeOffset At, string CorrelationId, long SeatVersion);

public sealed record WaitlistEventResponse(
    Guid EventId, string FlightId, long EntrySequence, string Pnr, IReadOnlyList<string> PassengerIds, string Action,
    IReadOnlyList<string> Seats, string Actor, string Reason, DateTimeOffset At, string CorrelationId);

public sealed record CheckInEventResponse(
    Guid EventId, string FlightId, string PassengerId, string Action, CheckInStatus From, CheckInStatus To, string? SeatNumber,
    string Actor, string Reason, DateTimeOffset At, string CorrelationId, long Version);

/// <summary>Airline operations: flights, bookings and the seat audit trail. Requires <c>X-Admin-Key</c>.</summary>
internal static class AdminApi
{
    public const int MaxEvents = 1000;

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(AdminKey.PathPrefix).WithTags("Admin");
        group.MapPost("/flights", CreateFlight).WithName("CreateFlight")
            .WithSummary("Create a flight with its seat layout (idempotent for the same definition).")
            .ProducesProblems(400, 401, 409, 413, 415, 503);
        group.MapPost("/bookings", CreateBooking).WithName("CreateBooking")
            .WithSummary("Create a booking (PNR) with passengers on existing flights (idempotent for the same definition).")
            .ProducesProblems(400, 401, 404, 409, 413, 415, 503);
        group.MapGet("/flights/{flightId}/events", GetSeatEvents).WithName("GetSeatEvents")
            .WithSummary("The flight's seat audit trail, oldest first, optionally for one seat.")
            .ProducesProblems(400, 401, 404, 503);
        group.MapGet("/flights/{flightId}/waitlist-events", GetWaitlistEvents).WithName("GetWaitlistEvents")
            .WithSummary("The waitlist audit trail of a flight, oldest first: who joined, was assigned which seats, left or expired.")
            .ProducesProblems(400, 401, 404, 503);
        group.MapGet("/flights/{flightId}/check-in-events", GetCheckInEvents).WithName("GetCheckInEvents")
            .WithSummary("The check-in audit trail of a flight (optionally one passenger), oldest first: who, what, why, when.")
            .ProducesProblems(400, 401, 404, 503);
        return group;
    }

    public static async Task<Results<Created<FlightResponse>, ProblemHttpResult>> CreateFlight(CreateFlightRequest? request, IGrainFactory grains)
    {
        if (request is not null && request.FlightId is { } id && string.IsNullOrWhiteSpace(id))
        {
            return Problems.Validation("flightId", "flightId must not be blank.");
        }
        if (MissingFlightField(request) is { } missing)
        {
            return Problems.Validation(missing, $"{missing} is required.");
        }
        if (IdFormats.CheckFlightId(request!.FlightId, "flightId") is { } malformed)
        {
            return malformed;
        }
        var definition = ToDefinition(request);
        var result = await grains.GetFlightGrain(definition.FlightId).CreateAsync(definition);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }
        var f = result.Value;
        var d = f.Definition;
        return TypedResults.Created($"/api/flights/{d.FlightId}/seatmap", new FlightResponse(d.FlightId, d.Origin, d.Destination, d.Departure, f.Seats.Count, f.CreatedAt));
    }

    public static async Task<Results<Created<BookingResponse>, ProblemHttpResult>> CreateBooking(CreateBookingRequest? request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request?.Pnr))
        {
            return Problems.Validation("pnr", "pnr is required.");
        }
        if (request.Passengers is null || request.Passengers.Any(p => p is null))
        {
            return Problems.Validation("passengers", "passengers is required: a list of { firstName, lastName }.");
        }
        if (request.Flights is null)
        {
            return Problems.Validation("flights", "flights is required: a list of flight ids.");
        }
        var blank = request.Flights.ToList().FindIndex(string.IsNullOrWhiteSpace);
        if (blank >= 0)
        {
            return Problems.Validation($"flights[{blank}]", $"flights[{blank}] must be a flight id.");
        }
        if (IdFormats.CheckPnr(request.Pnr, "pnr") is { } malformedPnr)
        {
            return malformedPnr;
        }
        var malformedFlight = request.Flights.Select((id, i) => IdFormats.CheckFlightId(id, $"flights[{i}]")).FirstOrDefault(p => p is not null);
        if (malformedFlight is not null)
        {
            return malformedFlight;
        }
        var definition = new BookingDefinition(
            request.Pnr,
            [.. request.Passengers.Select(p => new PassengerName(p.FirstName ?? "", p.LastName ?? "", p.Cabin ?? Cabin.Economy))],
            request.Flights);
        var result = await grains.GetBookingGrain(request.Pnr).CreateAsync(definition);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }
        var b = result.Value;
        return TypedResults.Created($"/api/admin/bookings/{b.Pnr}", new BookingResponse(
            b.Pnr,
            [.. b.Passengers.Select(p => new SessionPassenger(p.PassengerId, p.FirstName, p.LastName, p.Cabin))],
            [.. b.Flights.Select(f => new SessionFlight(f.FlightId, f.Departure))]));
    }

    /// <summary>What every audit-trail query has: the flight from the route, <c>limit</c> from the query string, the catalog.</summary>
    public readonly record struct AuditQuery(string FlightId, [FromQuery(Name = "limit")] int? Limit, FlightCatalog Flights, CancellationToken CancellationToken)
    {
        public int Count => Limit ?? MaxEvents;

        /// <summary>The flight, or the problem with the query (a limit out of range, an unknown flight).</summary>
        public async Task<(FlightInfo? Flight, ProblemHttpResult? Problem)> CheckAsync()
        {
            if (Limit is < 1 or > MaxEvents)
            {
                return (null, Problems.Validation("limit", $"limit must be between 1 and {MaxEvents}."));
            }
            return await Flights.FindAsync(FlightId) is { } flight
                ? (flight, null)
                : (null, Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {FlightId} does not exist.", "flightId")));
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<SeatEventResponse>>, ProblemHttpResult>> GetSeatEvents(
        string? seat, [AsParameters] AuditQuery query, IAuditLog audit)
    {
        var (flight, problem) = await query.CheckAsync();
        if (problem is not null)
        {
            return problem;
        }
        if (seat is not null && flight!.FindSeat(seat) is null)
        {
            return Problems.From(new Error(FailureCode.SeatNotFound, $"Flight {query.FlightId} has no seat {seat}.", "seat"));
        }
        var events = await audit.QueryAsync(query.FlightId, seat, query.Count, query.CancellationToken);
        IReadOnlyList<SeatEventResponse> response = [.. events.Select(e => new SeatEventResponse(
            e.EventId, e.FlightId, e.SeatNumber, e.From, e.To, e.PassengerId, e.Actor, e.Reason, e.At, e.CorrelationId, e.SeatVersion))];
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<IReadOnlyList<WaitlistEventResponse>>, ProblemHttpResult>> GetWaitlistEvents(
        [AsParameters] AuditQuery query, IWaitlistAuditLog audit)
    {
        if ((await query.CheckAsync()).Problem is { } problem)
        {
            return problem;
        }
        var events = await audit.QueryAsync(query.FlightId, query.Count, query.CancellationToken);
        IReadOnlyList<WaitlistEventResponse> response = [.. events.Select(e => new WaitlistEventResponse(
            e.EventId, e.FlightId, e.EntrySequence, e.Pnr, e.PassengerIds, e.Action, e.Seats, e.Actor, e.Reason, e.At, e.CorrelationId))];
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<IReadOnlyList<CheckInEventResponse>>, ProblemHttpResult>> GetCheckInEvents(
        string? passengerId, [AsParameters] AuditQuery query, ICheckInAuditLog audit)
    {
        if ((await query.CheckAsync()).Problem is { } problem)
        {
            return problem;
        }
        var events = await audit.QueryAsync(query.FlightId, passengerId, query.Count, query.CancellationToken);
        IReadOnlyList<CheckInEventResponse> response = [.. events.Select(e => new CheckInEventResponse(
            e.EventId, e.FlightId, e.PassengerId, e.Action, e.From, e.To, e.SeatNumber, e.Actor, e.Reason, e.At, e.CorrelationId, e.Version))];
        return TypedResults.Ok(response);
    }

    /// <summary>Builds the definition from a request in which <see cref="MissingFlightField"/> found nothing missing.</summary>
    private static FlightDefinition ToDefinition(CreateFlightRequest r)
    {
        var layout = new SeatLayout(
            [.. r.Layout!.Cabins!.Select(c => new CabinSection(c!.Cabin!.Value, c.FirstRow!.Value, c.LastRow!.Value, c.Columns!))],
            r.Layout.ExitRows ?? [],
            r.Layout.ExtraLegroomRows ?? [],
            r.Layout.BlockedSeats ?? [],
            r.Layout.SkippedRows ?? []);
        return new FlightDefinition(r.FlightId!, r.Origin!, r.Destination!, r.Departure!.Value, layout);
    }

    /// <summary>The first required field the request lacks, named as in the JSON body, or null.</summary>
    private static string? MissingFlightField(CreateFlightRequest? r)
    {
        if (r?.FlightId is null)
        {
            return "flightId";
        }
        if (r.Origin is null)
        {
            return "origin";
        }
        if (r.Destination is null)
        {
            return "destination";
        }
        if (r.Departure is null)
        {
            return "departure";
        }
        if (r.Layout?.Cabins is null)
        {
            return "layout.cabins";
        }
        var i = r.Layout.Cabins.ToList().FindIndex(c => c?.Cabin is null || c.FirstRow is null || c.LastRow is null || c.Columns is null);
        if (i < 0)
        {
            return null;
        }
        var cabin = r.Layout.Cabins[i];
        var part = cabin?.Cabin is null ? "cabin" : cabin.FirstRow is null ? "firstRow" : cabin.LastRow is null ? "lastRow" : "columns";
        return $"layout.cabins[{i}].{part}";
    }
}
