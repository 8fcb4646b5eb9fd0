using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CheckIn.Contracts.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CheckIn.Host.Api;

/// <summary>Stable <c>code</c> values the Host itself produces (grain failures use <see cref="FailureCode"/>).</summary>
public static class ProblemCodes
{
    public const string MalformedRequest = "MALFORMED_REQUEST";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string SessionExpired = "SESSION_EXPIRED";
    public const string Forbidden = "FORBIDDEN";
    public const string AdminKeyInvalid = "ADMIN_KEY_INVALID";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string IdempotencyKeyInProgress = "IDEMPOTENCY_KEY_IN_PROGRESS";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";
    public const string BoardingPassNotIssued = "BOARDING_PASS_NOT_ISSUED";
    public const string WebhookSignatureInvalid = "WEBHOOK_SIGNATURE_INVALID";
    public const string RateLimited = "RATE_LIMITED";
    public const string ClientBlocked = "CLIENT_BLOCKED";
}

/// <summary>The one place where failures become <c>application/problem+json</c> responses.</summary>
public static class Problems
{
    public static string CodeOf(FailureCode code) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(code.ToString());

    /// <summary>An enum value as the API writes it (UPPER_SNAKE_CASE).</summary>
    public static string CodeOf<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    public static int StatusOf(FailureCode code) => code switch
    {
        FailureCode.ValidationFailed => StatusCodes.Status400BadRequest,
        FailureCode.FlightNotFound or FailureCode.SeatNotFound or FailureCode.PassengerNotFound
            or FailureCode.WaitlistEntryNotFound => StatusCodes.Status404NotFound,
        FailureCode.NotOnFlight => StatusCodes.Status403Forbidden,
        FailureCode.SeatUnavailable or FailureCode.NotHolder or FailureCode.FlightExists or FailureCode.BookingExists
            or FailureCode.CheckinNotOpen or FailureCode.CheckinClosed or FailureCode.CheckinNotStarted or FailureCode.CheckinCancelled
            or FailureCode.PaymentRequired or FailureCode.NoSeatAvailable or FailureCode.FlightDeparted
            or FailureCode.CheckinCompleted or FailureCode.BagLimitReached or FailureCode.PaymentNotRequired
            or FailureCode.PreferenceAlreadyMet or FailureCode.CabinNotBooked or FailureCode.WaitlistEntryClosed
            or FailureCode.AlreadyWaitlisted or FailureCode.SeatOccupied or FailureCode.HoldCooldown => StatusCodes.Status409Conflict,
        FailureCode.BagTooHeavy or FailureCode.UnknownBagTag => StatusCodes.Status422UnprocessableEntity,
        FailureCode.WeightServiceUnavailable or FailureCode.PaymentServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        FailureCode.HoldExpired => StatusCodes.Status410Gone,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult From(Error error)
    {
        var result = Create(StatusOf(error.Code), CodeOf(error.Code), error.Detail, error.Field);
        foreach (var (name, value) in error.Extensions ?? new Dictionary<string, string>())
        {
            result.ProblemDetails.Extensions[name] = value;
        }
        return result;
    }

    /// <summary>
    /// Endpoint filter for a route group: a problem whose error carries a <c>retryAt</c> extension (ISO 8601, e.g.
    /// HOLD_COOLDOWN) also says it in <c>Retry-After</c>, so clients that only read headers wait as long.
    /// </summary>
    public static async ValueTask<object?> AddRetryAfter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var problem = result switch
        {
            ProblemHttpResult p => p,
            INestedHttpResult { Result: ProblemHttpResult p } => p,
            _ => null,
        };
        if (problem is not null && problem.ProblemDetails.Extensions.TryGetValue("retryAt", out var value)
            && DateTimeOffset.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var retryAt))
        {
            var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retryAt, now).ToString(CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary><c>Retry-After</c> for a moment: whole seconds from now, rounded up, at least 1.</summary>
    public static long RetryAfterSeconds(DateTimeOffset retryAt, DateTimeOffset now) =>
        Math.Max(1, (long)Math.Ceiling((retryAt - now).TotalSeconds));

    public static ProblemHttpResult Validation(string field, string detail) =>
        From(new Error(FailureCode.ValidationFailed, detail, field));

    public static ProblemHttpResult Create(int status, string code, string detail, string? field = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://checkin.example/problems/{code.ToLowerInvariant().Replace('_', '-')}",
            Title = TitleOf(status),
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }
        // The problem details service adds the same id, but only for clients that accept JSON; an EventSource
        // (Accept: text/event-stream) or an image request gets the problem written without it.
        if (Activity.Current?.Id is { } traceId)
        {
            problem.Extensions["traceId"] = traceId;
        }
        return TypedResults.Problem(problem);
    }

    /// <summary>The server's request body limit (Kestrel's <c>MaxRequestBodySize</c>) refused the body.</summary>
    public static ProblemHttpResult PayloadTooLarge(long? limit = null) =>
        Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge,
            limit is { } bytes ? $"The request body is larger than this endpoint accepts ({bytes} bytes)." : "The request body is larger than this server accepts.", "body");

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "Not allowed for this booking.",
        404 => "Not found.",
        405 => "Method not allowed.",
        409 => "Conflict with the current state.",
        410 => "No longer available.",
        413 => "The request body is too large.",
        415 => "Unsupported media type.",
        429 => "Too many requests.",
        422 => "The request cannot be processed.",
        503 => "Temporarily unavailable.",
        _ => "An unexpected error occurred.",
    };
}
