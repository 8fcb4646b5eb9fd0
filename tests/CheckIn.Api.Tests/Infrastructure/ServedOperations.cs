using System.Text.Json.Nodes;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>A parameter of a served operation: where it goes (path, query, header), its name and whether it is required.</summary>
public sealed record ServedParameter(string In, string Name, bool Required);

/// <summary>
/// One operation of the served OpenAPI document (<c>/swagger/v1/swagger.json</c>): what the host itself says it
/// answers, so a test built on it covers an endpoint added tomorrow without being edited.
/// </summary>
public sealed record ServedOperation(string Method, string Template, string OperationId, IReadOnlyList<ServedParameter> Parameters, JsonObject? BodySchema)
{
    public IEnumerable<ServedParameter> PathParameters => Parameters.Where(p => p.In == "path");

    public bool TakesId => PathParameters.Any();

    public override string ToString() => $"{OperationId} ({Method} {Template})";
}

/// <summary>The served OpenAPI document: its operations and its component schemas.</summary>
public sealed class ServedOpenApi(IReadOnlyList<ServedOperation> operations, JsonObject schemas)
{
    public const string DocumentPath = "/swagger/v1/swagger.json";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public IReadOnlyList<ServedOperation> Operations { get; } = operations;

    public static async Task<ServedOpenApi> ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync(DocumentPath);
        await CheckInApi.EnsureStatusAsync(response, 200);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var operations = new List<ServedOperation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is not JsonObject operation)
                {
                    continue;
                }
                var parameters = (operation["parameters"] as JsonArray ?? [])
                    .Select(p => new ServedParameter((string)p!["in"]!, (string)p["name"]!, p["required"]?.GetValue<bool>() == true))
                    .ToList();
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"] as JsonObject;
                var id = (string?)operation["operationId"] ?? $"{method.ToUpperInvariant()} {template}";
                operations.Add(new ServedOperation(method.ToUpperInvariant(), template, id, parameters, body));
            }
        }
        var schemas = document["components"]?["schemas"] as JsonObject ?? [];
        return new ServedOpenApi(operations, schemas);
    }

    /// <summary>The schema itself, or the component schema it refers to (<c>#/components/schemas/Name</c>).</summary>
    public JsonObject Resolve(JsonObject schema)
    {
        for (var depth = 0; schema["$ref"] is JsonValue reference; depth++)
        {
            if (depth > 16)
            {
                throw new InvalidOperationException($"The $ref chain at {reference} does not end.");
            }
            var name = ((string)reference!).Split('/')[^1];
            schema = schemas[name] as JsonObject ?? throw new InvalidOperationException($"swagger.json refers to schema {name}, which it does not define.");
        }
        return schema;
    }
}
