using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Payments;

/// <summary>An expected failure as a value: the HTTP status, the stable code and the offending field.</summary>
internal sealed record PaymentError(int Status, string Code, string Field, string Detail)
{
    public static PaymentError InvalidBody(string detail) => new(400, "INVALID_BODY", "body", detail);
    public static PaymentError InvalidAmount(string detail) => new(400, "INVALID_AMOUNT", "amount", detail);
    public static PaymentError InvalidCurrency(string detail) => new(400, "INVALID_CURRENCY", "currency", detail);
    public static PaymentError InvalidReference(string detail) => new(400, "INVALID_REFERENCE", "reference", detail);
    public static PaymentError InvalidDescription(string detail) => new(400, "INVALID_DESCRIPTION", "description", detail);
    public static PaymentError InvalidIdempotencyKey(string detail) => new(400, "INVALID_IDEMPOTENCY_KEY", IntentsApi.IdempotencyKeyHeader, detail);
    public static PaymentError InvalidDuplicates(string detail) => new(400, "INVALID_DUPLICATES", "duplicates", detail);
    public static PaymentError InvalidDelay(string detail) => new(400, "INVALID_DELAY", "delayMs", detail);
    public static PaymentError InvalidOrder(string detail) => new(400, "INVALID_ORDER", "order", detail);
    public static PaymentError IntentNotFound(string id) => new(404, "INTENT_NOT_FOUND", "id", $"No payment intent '{Shorten(id)}'.");
    public static PaymentError EventNotFound(string id) => new(404, "EVENT_NOT_FOUND", "eventId", $"No webhook event '{Shorten(id)}'.");

    public static PaymentError IntentAlreadyFinal(PaymentIntent intent, IntentStatus wanted) => new(409, "INTENT_ALREADY_FINAL", "status",
        $"Intent {intent.Id} is already {IntentRules.WireName(intent.Status)} and can never become {IntentRules.WireName(wanted)}.");

    public static PaymentError IdempotencyKeyReused() => new(422, "IDEMPOTENCY_KEY_REUSED", IntentsApi.IdempotencyKeyHeader,
        "This Idempotency-Key was already used with a different request body.");

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "...";
}

/// <summary>RFC 7807 body with the repo's <c>code</c> and <c>field</c> extensions and ASP.NET-style <c>errors</c>.</summary>
internal sealed record PaymentProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    string Field,
    IReadOnlyDictionary<string, string[]> Errors);

/// <summary>The one place where failures become <c>application/problem+json</c> (never via global middleware).</summary>
internal static class PaymentProblems
{
    public const string ContentType = "application/problem+json";

    public static JsonHttpResult<PaymentProblem> ToResult(this PaymentError error)
    {
        var problem = new PaymentProblem(
            $"https://checkin.example/problems/{error.Code.ToLowerInvariant().Replace('_', '-')}",
            TitleOf(error.Status),
            error.Status,
            error.Detail,
            error.Code,
            error.Field,
            new Dictionary<string, string[]> { [error.Field] = [error.Detail] });
        return TypedResults.Json(problem, PaymentJson.Options, ContentType, error.Status);
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid.",
        404 => "Not found.",
        409 => "Conflict with the current state.",
        422 => "The request cannot be processed.",
        _ => "The request failed.",
    };
}
