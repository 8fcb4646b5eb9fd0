using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Weight;

internal sealed record WeightResponse(string BagTag, decimal WeightKg, string Unit, DateTimeOffset MeasuredAt)
{
    public static WeightResponse From(BagReading reading) => new(reading.BagTag, reading.WeightKg, "kg", reading.MeasuredAt);
}

internal sealed record SetWeightRequest(decimal? WeightKg);

/// <summary><c>/api/bags/{bagTag}/weight</c>: read (with faults), set and forget a bag's weight.</summary>
internal static class BagWeightApi
{
    public static RouteGroupBuilder MapBagWeightApi(this RouteGroupBuilder group)
    {
        const string Route = "/api/bags/{bagTag}/weight";
        group.MapGet(Route, GetWeightAsync)
            .Produces<WeightProblem>(StatusCodes.Status400BadRequest, WeightProblems.ContentType)
            .Produces<WeightProblem>(StatusCodes.Status404NotFound, WeightProblems.ContentType)
            .Produces<WeightProblem>(StatusCodes.Status503ServiceUnavailable, WeightProblems.ContentType);
        group.MapPut(Route, SetWeightAsync)
            .Produces<WeightProblem>(StatusCodes.Status400BadRequest, WeightProblems.ContentType);
        group.MapDelete(Route, ForgetWeight)
            .Produces<WeightProblem>(StatusCodes.Status400BadRequest, WeightProblems.ContentType);
        return group;
    }

    private static async Task<Results<JsonHttpResult<WeightResponse>, JsonHttpResult<WeightProblem>>> GetWeightAsync(
        string bagTag, WeightScale scale, CancellationToken cancellationToken)
    {
        if (!BagTag.TryNormalize(bagTag, out var tag))
        {
            return WeightProblems.InvalidBagTag(bagTag);
        }
        var outcome = await scale.WeighAsync(tag, cancellationToken);
        return outcome switch
        {
            { Status: WeighStatus.Weighed, Reading: { } reading } => Ok(reading),
            { Status: WeighStatus.Faulted } => WeightProblems.Create(outcome.FaultStatusCode, WeightProblemCodes.WeightScaleFault,
                "The weight scale did not answer (injected fault); retry the weighing.", "bagTag"),
            _ => WeightProblems.Create(StatusCodes.Status404NotFound, WeightProblemCodes.BagNotFound,
                $"No weight is known for bag {tag}.", "bagTag"),
        };
    }

    private static async Task<Results<JsonHttpResult<WeightResponse>, JsonHttpResult<WeightProblem>>> SetWeightAsync(
        string bagTag, HttpRequest request, WeightScale scale, CancellationToken cancellationToken)
    {
        if (!BagTag.TryNormalize(bagTag, out var tag))
        {
            return WeightProblems.InvalidBagTag(bagTag);
        }
        var body = await WeightJson.ReadAsync<SetWeightRequest>(request, cancellationToken);
        if (body.Value is null)
        {
            return WeightProblems.InvalidWeight(body.Error);
        }
        if (body.Value.WeightKg is not { } kg)
        {
            return WeightProblems.InvalidWeight("weightKg is required.");
        }
        if (!WeightRules.TryAccept(kg, out var accepted, out var reason))
        {
            return WeightProblems.InvalidWeight($"weightKg {reason}");
        }
        return Ok(scale.Set(tag, accepted));
    }

    private static Results<NoContent, JsonHttpResult<WeightProblem>> ForgetWeight(string bagTag, WeightScale scale)
    {
        if (!BagTag.TryNormalize(bagTag, out var tag))
        {
            return WeightProblems.InvalidBagTag(bagTag);
        }
        scale.Forget(tag);
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<WeightResponse> Ok(BagReading reading) =>
        TypedResults.Json(WeightResponse.From(reading), WeightJson.Options);
}
