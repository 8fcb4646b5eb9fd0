using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CheckIn.Payments;

internal sealed record CreateIntentRequest(decimal? Amount, string? Currency, string? Reference, string? Description);

/// <summary>A validated request: the amount has exactly two decimals, so equal bodies compare equal.</summary>
internal sealed record NewIntent(decimal Amount, string Currency, string Reference, string? Description);

internal static class IntentValidation
{
    public const decimal MaxAmount = 100_000m;
    public const int MaxReferenceLength = 100;
    public const int MaxDescriptionLength = 500;

    public static async Task<(CreateIntentRequest? Request, PaymentError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<CreateIntentRequest>(request.Body, PaymentJson.Options, cancellationToken);
            return body is null ? (null, PaymentError.InvalidBody("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            // A wrongly typed property names its field; anything else is a broken body.
            return (null, ex.Path switch
            {
                "$.amount" => PaymentError.InvalidAmount("amount must be a JSON number, e.g. 50.00."),
                "$.currency" => PaymentError.InvalidCurrency("currency must be a string of three upper-case letters."),
                "$.reference" => PaymentError.InvalidReference("reference must be a string."),
                "$.description" => PaymentError.InvalidDescription("description must be a string."),
                _ => PaymentError.InvalidBody("The body is not a valid JSON object."),
            });
        }
    }

    public static bool TryValidate(
        CreateIntentRequest request,
        [NotNullWhen(true)] out NewIntent? intent,
        [NotNullWhen(false)] out PaymentError? error)
    {
        intent = null;
        error = request switch
        {
            { Amount: null } => PaymentError.InvalidAmount("amount is required."),
            { Amount: <= 0 } => PaymentError.InvalidAmount("amount must be greater than 0."),
            { Amount: > MaxAmount } => PaymentError.InvalidAmount($"amount must be at most {MaxAmount:0.00}."),
            { Amount: { } a } when decimal.Round(a, 2) != a => PaymentError.InvalidAmount("amount must have at most 2 decimal places."),
            { Currency: var c } when c is not { Length: 3 } || !c.All(char.IsAsciiLetterUpper) =>
                PaymentError.InvalidCurrency("currency must be three upper-case letters (ISO 4217), e.g. EUR."),
            { Reference: null } => PaymentError.InvalidReference("reference is required."),
            { Reference: { } r } when string.IsNullOrWhiteSpace(r) || r.Length > MaxReferenceLength =>
                PaymentError.InvalidReference($"reference must be 1-{MaxReferenceLength} characters."),
            { Description.Length: > MaxDescriptionLength } =>
                PaymentError.InvalidDescription($"description must be at most {MaxDescriptionLength} characters."),
            _ => null,
        };
        if (error is not null)
        {
            return false;
        }
        intent = new NewIntent(decimal.Round(request.Amount!.Value, 2) + 0.00m, request.Currency!, request.Reference!, request.Description);
        return true;
    }
}
