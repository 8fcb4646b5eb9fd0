using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Weight;

/// <summary>A PUT replaces all settings; a field left out takes its configured default.</summary>
internal sealed record FaultsRequest(int? LatencyMs, double? FailureRate, int? FailureStatusCode);

/// <summary><c>/api/faults</c>: runtime fault injection for tests and demos.</summary>
internal static class FaultsApi
{
    public static RouteGroupBuilder MapFaultsApi(this RouteGroupBuilder group)
    {
        const string Route = "/api/faults";
        group.MapGet(Route, GetFaults);
        group.MapPut(Route, SetFaultsAsync)
            .Produces<WeightProblem>(StatusCodes.Status400BadRequest, WeightProblems.ContentType);
        group.MapDelete(Route, ResetFaults);
        return group;
    }

    private static JsonHttpResult<FaultSettings> GetFaults(FaultInjector faults) =>
        TypedResults.Json(faults.Current, WeightJson.Options);

    private static async Task<Results<JsonHttpResult<FaultSettings>, JsonHttpResult<WeightProblem>>> SetFaultsAsync(
        HttpRequest request, FaultInjector faults, CancellationToken cancellationToken)
    {
        var body = await WeightJson.ReadAsync<FaultsRequest>(request, cancellationToken);
        if (body.Value is not { } value)
        {
            return Invalid(body.Field, body.Error);
        }
        var settings = new FaultSettings(
            value.LatencyMs ?? faults.Defaults.LatencyMs,
            value.FailureRate ?? faults.Defaults.FailureRate,
            value.FailureStatusCode ?? faults.Defaults.FailureStatusCode);
        if (FaultSettings.Check(settings.LatencyMs, settings.FailureRate, settings.FailureStatusCode) is { } error)
        {
            return Invalid(error.Field, $"{error.Field} {error.Reason}");
        }
        faults.Set(settings);
        return TypedResults.Json(settings, WeightJson.Options);
    }

    private static NoContent ResetFaults(FaultInjector faults)
    {
        faults.Reset();
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<WeightProblem> Invalid(string field, string detail) =>
        WeightProblems.Create(StatusCodes.Status400BadRequest, WeightProblemCodes.InvalidFaults, detail, field);
}
