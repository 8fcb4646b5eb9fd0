using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// The victim's booking as the access matrix aims at it: the ids an attacker would put in a request. The client key
/// is the one the victim's own requests have on the test server (no peer address: <c>ip:unknown</c>).
/// </summary>
public sealed record MatrixVictim(string FlightId, string SeatNumber, string Pnr, string LastName, string PassengerId, string BagTag, string ClientKey = "ip:unknown");

/// <summary>An operation the access matrix cannot call because a name it uses has no value in the tables below.</summary>
public sealed class AccessMatrixGapException(string message) : Exception(message);

/// <summary>
/// Turns a served operation into a request aimed at the victim: every parameter and body property is looked up by
/// NAME in one of two tables filled from the victim's booking, so a new endpoint whose names are known is covered
/// as it is, and one with a new name stops the matrix with a message saying which name to add here.
/// </summary>
public static class AccessMatrixValues
{
    private const string Where = "tests/CheckIn.Api.Tests/Infrastructure/AccessMatrixValues.cs";

    /// <summary>Path (and required query or header) parameters, by name.</summary>
    public static IReadOnlyDictionary<string, string> ParameterValues(MatrixVictim v) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["flightId"] = v.FlightId,
        ["seatNumber"] = v.SeatNumber,
        ["seat"] = v.SeatNumber,
        ["passengerId"] = v.PassengerId,
        ["pnr"] = v.Pnr,
        ["bagTag"] = v.BagTag,
        ["clientKey"] = v.ClientKey,
    };

    /// <summary>Request body properties, by name: a body a legitimate caller could send for the victim.</summary>
    public static IReadOnlyDictionary<string, Func<JsonNode>> BodyValues(MatrixVictim v) => new Dictionary<string, Func<JsonNode>>(StringComparer.Ordinal)
    {
        ["flightId"] = () => v.FlightId,
        ["flights"] = () => new JsonArray(v.FlightId),
        ["seatNumber"] = () => v.SeatNumber,
        ["passengerId"] = () => v.PassengerId,
        ["passengerIds"] = () => new JsonArray(v.PassengerId),
        ["pnr"] = () => v.Pnr,
        ["lastName"] = () => v.LastName,
        ["bagTag"] = () => v.BagTag,
        ["reason"] = () => "access matrix probe",
    };

    /// <summary>The request path with the victim's ids in it, and the JSON body if the operation takes one.</summary>
    public static (string Path, string? Body) Aim(ServedOperation operation, ServedOpenApi document, MatrixVictim victim)
    {
        var values = ParameterValues(victim);
        var path = new StringBuilder(operation.Template);
        var query = new List<string>();
        foreach (var parameter in operation.Parameters)
        {
            if (parameter.In != "path" && !parameter.Required)
            {
                continue;
            }
            if (!values.TryGetValue(parameter.Name, out var value))
            {
                throw new AccessMatrixGapException(
                    $"{operation} has the {parameter.In} parameter '{parameter.Name}', which the access matrix has no value for: " +
                    $"add '{parameter.Name}' to AccessMatrixValues.ParameterValues ({Where}), filled from the victim's booking.");
            }
            switch (parameter.In)
            {
                case "path":
                    path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value));
                    break;
                case "query":
                    query.Add($"{Uri.EscapeDataString(parameter.Name)}={Uri.EscapeDataString(value)}");
                    break;
            }
        }
        if (query.Count > 0)
        {
            path.Append('?').AppendJoin('&', query);
        }
        var body = operation.BodySchema is { } schema ? Body(operation, document, document.Resolve(schema), BodyValues(victim), "").ToJsonString() : null;
        return (path.ToString(), body);
    }

    /// <summary>Adds the operation's required header parameters (none today) from the same table.</summary>
    public static void AddRequiredHeaders(HttpRequestHeaders headers, ServedOperation operation, MatrixVictim victim)
    {
        var values = ParameterValues(victim);
        foreach (var parameter in operation.Parameters.Where(p => p is { In: "header", Required: true }))
        {
            headers.TryAddWithoutValidation(parameter.Name, values[parameter.Name]);
        }
    }

    /// <summary>
    /// Every property the table knows; a required property it does not know is a gap (a required object is built
    /// the same way, one level down).
    /// </summary>
    private static JsonObject Body(ServedOperation operation, ServedOpenApi document, JsonObject schema, IReadOnlyDictionary<string, Func<JsonNode>> values, string prefix)
    {
        var body = new JsonObject();
        var required = (schema["required"] as JsonArray ?? []).Select(r => (string)r!).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, property) in schema["properties"] as JsonObject ?? [])
        {
            if (values.TryGetValue(name, out var value))
            {
                body[name] = value();
            }
            else if (required.Contains(name) && property is JsonObject nested && document.Resolve(nested) is { } resolved && (string?)resolved["type"] == "object")
            {
                body[name] = Body(operation, document, resolved, values, $"{prefix}{name}.");
            }
            else if (required.Contains(name))
            {
                throw new AccessMatrixGapException(
                    $"{operation} requires the body property '{prefix}{name}', which the access matrix has no value for: " +
                    $"add '{name}' to AccessMatrixValues.BodyValues ({Where}), filled from the victim's booking.");
            }
        }
        return body;
    }
}
