using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CheckIn.Payments;

internal sealed record IntentResponse(
    string Id,
    IntentStatus Status,
    decimal Amount,
    string Currency,
    string Reference,
    string? Description,
    string PayUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal static class IntentsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 255;

    public static void MapIntentsApi(this IEndpointRouteBuilder endpoints)
    {
        var intents = endpoints.MapGroup("/api/intents");
        intents.MapPost("", CreateAsync);
        intents.MapGet("", List);
        intents.MapGet("/{id}", Get);
        intents.MapPost("/{id}/pay", Pay);
        intents.MapPost("/{id}/fail", Fail);
        intents.MapPost("/{id}/cancel", Cancel);
    }

    public static async Task<Results<JsonHttpResult<IntentResponse>, JsonHttpResult<PaymentProblem>>> CreateAsync(
        HttpContext context, IntentLedger ledger, IOptions<PaymentSimulatorOptions> options, CancellationToken cancellationToken)
    {
        var (body, readError) = await IntentValidation.ReadAsync(context.Request, cancellationToken);
        if (body is null)
        {
            return readError!.ToResult();
        }
        if (!IntentValidation.TryValidate(body, out var request, out var invalid))
        {
            return invalid.ToResult();
        }
        string? key = null;
        if (context.Request.Headers.TryGetValue(IdempotencyKeyHeader, out var keyValues))
        {
            key = keyValues.ToString();
            if (key.Length is 0 or > MaxIdempotencyKeyLength)
            {
                return PaymentError.InvalidIdempotencyKey($"{IdempotencyKeyHeader} must be 1-{MaxIdempotencyKeyLength} characters.").ToResult();
            }
        }
        var result = ledger.Create(request, key);
        switch (result)
        {
            case { Kind: CreateKind.Created, Intent: { } created }:
                context.Response.Headers.Location = Links.Intent(context, created.Id);
                return Json(created.ToResponse(context, options.Value), StatusCodes.Status201Created);
            case { Kind: CreateKind.Replayed, Intent: { } replayed }:
                return Json(replayed.ToResponse(context, options.Value), StatusCodes.Status200OK);
            default:
                return PaymentError.IdempotencyKeyReused().ToResult();
        }
    }

    public static Results<JsonHttpResult<IntentResponse>, JsonHttpResult<PaymentProblem>> Get(
        string id, HttpContext context, IntentLedger ledger, IOptions<PaymentSimulatorOptions> options) =>
        ledger.Find(id) is { } intent
            ? Json(intent.ToResponse(context, options.Value), StatusCodes.Status200OK)
            : PaymentError.IntentNotFound(id).ToResult();

    public static JsonHttpResult<IntentResponse[]> List(
        [FromQuery] string? reference, HttpContext context, IntentLedger ledger, IOptions<PaymentSimulatorOptions> options) =>
        TypedResults.Json(ledger.List(reference).Select(i => i.ToResponse(context, options.Value)).ToArray(), PaymentJson.Options);

    public static Results<JsonHttpResult<IntentResponse>, JsonHttpResult<PaymentProblem>> Pay(
        string id, [FromQuery] string? duplicates, [FromQuery] string? delayMs,
        HttpContext context, IntentLedger ledger, IOptions<PaymentSimulatorOptions> options) =>
        Transition(id, IntentAction.Pay, duplicates, delayMs, context, ledger, options.Value);

    public static Results<JsonHttpResult<IntentResponse>, JsonHttpResult<PaymentProblem>> Fail(
        string id, [FromQuery] string? duplicates, [FromQuery] string? delayMs,
        HttpContext context, IntentLedger ledger, IOptions<PaymentSimulatorOptions> options) =>
        Transition(id, IntentAction.Fail, duplicates, delayMs, context, ledger, options.Value);

    public static Results<JsonHttpResult<IntentResponse>, JsonHttpResult<PaymentProblem>> Cancel(
        string id, [FromQuery] string? duplicates, [FromQuery] string? delayMs,
        HttpContext context, IntentLedger ledger, IOptions<PaymentSimulatorOptions> options) =>
        Transition(id, IntentAction.Cancel, duplicates, delayMs, context, ledger, options.Value);

    private static Results<JsonHttpResult<IntentResponse>, JsonHttpResult<PaymentProblem>> Transition(
        string id, IntentAction action, string? duplicates, string? delayMs,
        HttpContext context, IntentLedger ledger, PaymentSimulatorOptions options)
    {
        if (!DeliveryPlan.TryParse(duplicates, delayMs, out var plan, out var invalid))
        {
            return invalid.ToResult();
        }
        return ledger.Transition(id, action, plan) switch
        {
            null => PaymentError.IntentNotFound(id).ToResult(),
            { Kind: TransitionKind.AlreadyFinal } refused => PaymentError.IntentAlreadyFinal(refused.Intent, refused.Target).ToResult(),
            { Intent: var intent } => Json(intent.ToResponse(context, options), StatusCodes.Status200OK),
        };
    }

    private static JsonHttpResult<IntentResponse> Json(IntentResponse response, int status) =>
        TypedResults.Json(response, PaymentJson.Options, statusCode: status);

    private static IntentResponse ToResponse(this PaymentIntent intent, HttpContext context, PaymentSimulatorOptions options) =>
        new(intent.Id, intent.Status, intent.Amount, intent.Currency, intent.Reference, intent.Description,
            Links.PublicPayUrl(context, options, intent.Id), intent.CreatedAt, intent.UpdatedAt);
}
