using System.Diagnostics;
using System.Security.Claims;
using CheckIn.Contracts;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Grains.CheckIns;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using QRCoder;

namespace CheckIn.Host.Api;

public sealed record StartCheckInRequest(IReadOnlyList<string?>? PassengerIds);

public sealed record CancelCheckInRequest(string? Reason);

public sealed record AddBagRequest(string? BagTag);

public sealed record BoardingPassResponse(
    string FlightId, string PassengerId, string Pnr, string FirstName, string LastName, string Origin, string Destination,
    DateTimeOffset Departure, DateTimeOffset BoardingTime, string SeatNumber, Cabin Cabin, int SequenceNumber, string Bcbp,
    DateTimeOffset IssuedAt, int Bags, string QrCodeUrl);

public sealed record CheckInResponse(
    string FlightId, string PassengerId, CheckInStatus Status, string? SeatNumber, IReadOnlyList<CheckInAction> AllowedActions,
    DateTimeOffset OpensAt, DateTimeOffset ClosesAt, IReadOnlyList<CheckedBag> Bags, PaymentIntent? Payment,
    IReadOnlyList<PaymentIntent> Payments, BoardingPassResponse? BoardingPass, string? CancellationReason, long Version,
    DateTimeOffset? UpdatedAt);

public sealed record CheckInsResponse(IReadOnlyList<CheckInResponse> CheckIns);

/// <summary>A passenger's check-in journey: start (several passengers at once), complete, cancel, boarding pass.</summary>
internal static class CheckInsApi
{
    public const int MaxReasonLength = 200;
    public const int MaxBagTagLength = 20;

    public static RouteGroupBuilder MapCheckInsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flights/{flightId}/check-ins")
            .WithTags("Check-in")
            .RequireAuthorization()
            .AddEndpointFilter<IdempotencyFilter>();
        Command(group.MapPost("", Start).WithName("StartCheckIn").ProducesProblems(413)
            .WithSummary("Start check-in for one or more passengers of the session's booking (NOT_STARTED or CANCELLED → IN_PROGRESS)."));
        Query(group.MapGet("/{passengerId}", Get).WithName("GetCheckIn")
            .WithSummary("A passenger's check-in: state, seat, boarding pass and the allowed next actions."));
        Command(group.MapPost("/{passengerId}/complete", Complete).WithName("CompleteCheckIn")
            .WithSummary("Complete check-in (IN_PROGRESS → COMPLETED): confirms the held seat or assigns one, and issues the boarding pass."));
        Command(group.MapPost("/{passengerId}/cancel", Cancel).WithName("CancelCheckIn").ProducesProblems(413)
            .WithSummary("Cancel check-in before departure (→ CANCELLED): releases the seat and voids the boarding pass."));
        Command(group.MapPost("/{passengerId}/bags", AddBag).WithName("AddBag").ProducesProblems(413)
            .WithSummary("Weigh a bag (Weight service) and add it; an overweight bag pauses check-in in WAITING_FOR_PAYMENT with a payment intent."));
        Command(group.MapPost("/{passengerId}/payment", RetryPayment).WithName("RetryPayment")
            .WithSummary("A new payment intent for the unpaid overweight fees, after the previous one failed or was cancelled."));
        Query(group.MapGet("/{passengerId}/boarding-pass", GetBoardingPass).WithName("GetBoardingPass")
            .WithSummary("The boarding pass as JSON, with its IATA BCBP string."));
        Query(group.MapGet("/{passengerId}/boarding-pass.png", GetBoardingPassImage).WithName("GetBoardingPassQrCode")
            .WithSummary("The boarding pass's BCBP string as a QR code (PNG).")
            .Produces(200, contentType: "image/png"));
        return group;
    }

    private static void Command(RouteHandlerBuilder endpoint) => endpoint.ProducesProblems(400, 401, 403, 404, 409, 415, 422, 503);

    private static void Query(RouteHandlerBuilder endpoint) => endpoint.ProducesProblems(400, 401, 403, 404, 503);

    /// <summary>What every check-in endpoint needs: the flight from the route, the caller and the services.</summary>
    public readonly record struct CheckInScope(string FlightId, ClaimsPrincipal User, FlightCatalog Flights, IGrainFactory Grains, SeatMapCache Maps);

    public static async Task<Results<Ok<CheckInsResponse>, ProblemHttpResult>> Start(
        StartCheckInRequest? request, [AsParameters] CheckInScope scope, IOptions<CheckInWindowOptions> window, TimeProvider time)
    {
        var (flightId, user, flights, grains, _) = scope;
        if (request?.PassengerIds is not { Count: > 0 } ids)
        {
            return Problems.Validation("passengerIds", "passengerIds must name at least one passenger of the booking.");
        }
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ids[i]))
            {
                return Problems.Validation($"passengerIds[{i}]", "A passenger id must not be blank.");
            }
            if (IdFormats.CheckPassengerId(ids[i], $"passengerIds[{i}]") is { } malformed)
            {
                return malformed;
            }
            if (!user.MayActFor(ids[i]!))
            {
                return Problems.Create(403, ProblemCodes.Forbidden, $"Passenger {ids[i]} is not on this session's booking.", $"passengerIds[{i}]");
            }
            if (ids.Take(i).Contains(ids[i]))
            {
                return Problems.Validation($"passengerIds[{i}]", $"Passenger {ids[i]} is named twice.");
            }
        }
        var (flight, refused) = await FindFlightAsync(flightId, user, flights);
        if (refused is not null)
        {
            return refused;
        }
        // The window is the same for every passenger: checked once here, so a refused request starts nobody.
        if (CheckInRules.OutsideWindow(time.GetUtcNow(), flight!.Definition.Departure, window.Value) is { } closed)
        {
            return Problems.From(closed);
        }

        var context = Context(user);
        var started = new List<CheckInResponse>(ids.Count);
        foreach (var id in ids)
        {
            var result = await grains.GetCheckInGrain(flightId, id!).StartAsync(context);
            if (!result.IsSuccess)
            {
                // Start is idempotent: repeating the request finishes the passengers this one did not reach.
                return Problems.From(result.Error);
            }
            started.Add(ToResponse(result.Value));
        }
        return TypedResults.Ok(new CheckInsResponse(started));
    }

    public static Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> Get(string passengerId, [AsParameters] CheckInScope scope) =>
        RunAsync(scope, passengerId, (grain, _) => grain.GetAsync());

    public static Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> Complete(string passengerId, [AsParameters] CheckInScope scope) =>
        RunAsync(scope, passengerId, async (grain, context) =>
        {
            var result = await grain.CompleteAsync(context);
            scope.Maps.Invalidate(scope.FlightId);
            return result;
        });

    public static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> Cancel(
        string passengerId, CancelCheckInRequest? request, [AsParameters] CheckInScope scope)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? "cancelled by the passenger" : request.Reason.Trim();
        if (reason.Length > MaxReasonLength)
        {
            return Problems.Validation("reason", $"reason must be at most {MaxReasonLength} characters.");
        }
        return await RunAsync(scope, passengerId, async (grain, context) =>
        {
            var result = await grain.CancelAsync(reason, context);
            scope.Maps.Invalidate(scope.FlightId);
            return result;
        });
    }

    public static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> AddBag(
        string passengerId, AddBagRequest? request, HttpContext http, [AsParameters] CheckInScope scope)
    {
        var tag = request?.BagTag?.Trim().ToUpperInvariant();
        if (tag is null || !IdFormats.IsBagTag(tag))
        {
            return Problems.Validation("bagTag", $"bagTag must be 1 to {MaxBagTagLength} letters or digits (an IATA licence plate is 10 digits).");
        }
        return WithRetryAfter(http, await RunAsync(scope, passengerId, (grain, context) => grain.AddBagAsync(tag, context)));
    }

    public static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> RetryPayment(
        string passengerId, HttpContext http, [AsParameters] CheckInScope scope) =>
        WithRetryAfter(http, await RunAsync(scope, passengerId, (grain, context) => grain.RetryPaymentAsync(context)));

    /// <summary>A 503 from a remote service says when to come back.</summary>
    private static Results<Ok<CheckInResponse>, ProblemHttpResult> WithRetryAfter(HttpContext http, Results<Ok<CheckInResponse>, ProblemHttpResult> result)
    {
        if (result.Result is ProblemHttpResult { StatusCode: 503 } problem && problem.ProblemDetails.Extensions.TryGetValue("retryAfter", out var seconds))
        {
            http.Response.Headers.RetryAfter = Convert.ToString(seconds, System.Globalization.CultureInfo.InvariantCulture);
        }
        return result;
    }

    public static async Task<Results<Ok<BoardingPassResponse>, ProblemHttpResult>> GetBoardingPass(string passengerId, [AsParameters] CheckInScope scope)
    {
        var found = await FindBoardingPassAsync(scope, passengerId);
        return found.Pass is { } pass ? TypedResults.Ok(ToResponse(pass)) : found.Problem!;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetBoardingPassImage(string passengerId, [AsParameters] CheckInScope scope)
    {
        var found = await FindBoardingPassAsync(scope, passengerId);
        if (found.Pass is not { } pass)
        {
            return found.Problem!;
        }
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(pass.Bcbp, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return TypedResults.File(png, "image/png");
    }

    private static async Task<(BoardingPass? Pass, ProblemHttpResult? Problem)> FindBoardingPassAsync(CheckInScope scope, string passengerId)
    {
        var (flightId, user, flights, grains, _) = scope;
        if (await Authorize(flightId, passengerId, user, flights) is { } refused)
        {
            return (null, refused);
        }
        var result = await grains.GetCheckInGrain(flightId, passengerId).GetAsync();
        if (!result.IsSuccess)
        {
            return (null, Problems.From(result.Error));
        }
        return result.Value.BoardingPass is { } pass
            ? (pass, null)
            : (null, Problems.Create(404, ProblemCodes.BoardingPassNotIssued, $"Passenger {passengerId} has no boarding pass for flight {flightId}: check-in is {Problems.CodeOf(result.Value.Status)}.", "passengerId"));
    }

    private static async Task<Results<Ok<CheckInResponse>, ProblemHttpResult>> RunAsync(
        CheckInScope scope, string passengerId, Func<ICheckInGrain, CommandContext, Task<Result<CheckInView>>> command)
    {
        var (flightId, user, flights, grains, _) = scope;
        if (await Authorize(flightId, passengerId, user, flights) is { } refused)
        {
            return refused;
        }
        var result = await command(grains.GetCheckInGrain(flightId, passengerId), Context(user));
        return result.IsSuccess ? TypedResults.Ok(ToResponse(result.Value)) : Problems.From(result.Error);
    }

    private static async Task<ProblemHttpResult?> Authorize(string flightId, string passengerId, ClaimsPrincipal user, FlightCatalog flights)
    {
        if (!user.MayActFor(passengerId))
        {
            return Problems.Create(403, ProblemCodes.Forbidden, $"Passenger {passengerId} is not on this session's booking.", "passengerId");
        }
        return (await FindFlightAsync(flightId, user, flights)).Refused;
    }

    private static async Task<(FlightInfo? Flight, ProblemHttpResult? Refused)> FindFlightAsync(string flightId, ClaimsPrincipal user, FlightCatalog flights)
    {
        if (await flights.FindAsync(flightId) is not { } flight)
        {
            return (null, Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId")));
        }
        return user.MayUseFlight(flightId)
            ? (flight, null)
            : (flight, Problems.Create(403, ProblemCodes.Forbidden, $"Flight {flightId} is not on this session's booking.", "flightId"));
    }

    private static CommandContext Context(ClaimsPrincipal user) =>
        new($"booking:{user.Pnr()}", "passenger request", Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N"));

    private static CheckInResponse ToResponse(CheckInView v) =>
        new(v.FlightId, v.PassengerId, v.Status, v.SeatNumber, v.AllowedActions, v.OpensAt, v.ClosesAt, v.Bags, v.Payment, v.Payments,
            v.BoardingPass is { } pass ? ToResponse(pass) : null, v.CancellationReason, v.Version, v.UpdatedAt);

    private static BoardingPassResponse ToResponse(BoardingPass p) =>
        new(p.FlightId, p.PassengerId, p.Pnr, p.FirstName, p.LastName, p.Origin, p.Destination, p.Departure, p.BoardingTime,
            p.SeatNumber, p.Cabin, p.SequenceNumber, p.Bcbp, p.IssuedAt, p.Bags,
            $"/api/flights/{Uri.EscapeDataString(p.FlightId)}/check-ins/{Uri.EscapeDataString(p.PassengerId)}/boarding-pass.png");
}
