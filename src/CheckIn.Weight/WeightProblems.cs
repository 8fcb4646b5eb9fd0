using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Weight;

internal static class WeightProblemCodes
{
    public const string InvalidBagTag = "INVALID_BAG_TAG";
    public const string InvalidWeight = "INVALID_WEIGHT";
    public const string InvalidFaults = "INVALID_FAULTS";
    public const string BagNotFound = "BAG_NOT_FOUND";
    public const string WeightScaleFault = "WEIGHT_SCALE_FAULT";
}

/// <summary>An RFC 7807 problem with the repo's <c>code</c> and <c>field</c> extensions and ASP.NET-style <c>errors</c>.</summary>
internal sealed record WeightProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    string? Field,
    IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>The one place where this service's failures become <c>application/problem+json</c>.</summary>
internal static class WeightProblems
{
    public const string ContentType = "application/problem+json";

    public static JsonHttpResult<WeightProblem> Create(int status, string code, string detail, string? field = null)
    {
        var problem = new WeightProblem(
            $"https://checkin.example/problems/{code.ToLowerInvariant().Replace('_', '-')}",
            TitleOf(status),
            status,
            detail,
            code,
            field,
            field is null ? null : new Dictionary<string, string[]> { [field] = [detail] });
        return TypedResults.Json(problem, WeightJson.Options, ContentType, status);
    }

    public static JsonHttpResult<WeightProblem> InvalidBagTag(string raw) =>
        Create(400, WeightProblemCodes.InvalidBagTag,
            $"'{Shorten(raw)}' is not a bag tag: use 1-{BagTag.MaxLength} characters of A-Z/0-9.", "bagTag");

    public static JsonHttpResult<WeightProblem> InvalidWeight(string detail) =>
        Create(400, WeightProblemCodes.InvalidWeight, detail, "weightKg");

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "...";

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid.",
        404 => "Not found.",
        503 => "Temporarily unavailable.",
        _ => "The weight scale failed.",
    };
}
