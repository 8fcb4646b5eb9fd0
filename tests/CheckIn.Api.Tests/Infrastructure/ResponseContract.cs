using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// What API-SPECIFICATION.yml promises for one response: the operation is found by method and route template, then
/// the status must be documented, the content type must be one the status documents, required headers must be there
/// and a JSON body must match the documented schema (OpenAPI 3.0 schemas translated to JSON Schema 2020-12 and
/// checked with JsonSchema.Net).
/// </summary>
public sealed partial class ResponseContract
{
    private static readonly Lazy<ResponseContract> Loaded = new(() => new ResponseContract(ToJson(ApiSpecification.Current.Root)!.AsObject()));

    private readonly JsonObject _spec;
    private readonly JsonObject _definitions;
    private readonly List<(string Template, string[] Segments)> _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private ResponseContract(JsonObject spec)
    {
        _spec = spec;
        _definitions = new JsonObject();
        foreach (var (name, schema) in spec["components"]!["schemas"]!.AsObject())
        {
            _definitions[name] = Translate(schema);
        }
        // The template with more literal segments wins (".../boarding-pass" over ".../{passengerId}").
        _paths = [.. spec["paths"]!.AsObject().Select(p => (p.Key, p.Key.Trim('/').Split('/')))
            .OrderByDescending(p => p.Item2.Count(s => !s.StartsWith('{')))];
    }

    public static ResponseContract Current => Loaded.Value;

    /// <summary>The documented path template a request path falls under, or null when the specification has none.</summary>
    public string? FindTemplate(string path)
    {
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        foreach (var (template, parts) in _paths)
        {
            if (parts.Length == segments.Length
                && parts.Zip(segments).All(p => p.First.StartsWith('{') ? p.Second.Length > 0 : string.Equals(p.First, p.Second, StringComparison.Ordinal)))
            {
                return template;
            }
        }
        return null;
    }

    /// <summary>
    /// Everything about <paramref name="response"/> that contradicts the specification; empty when it conforms or
    /// when the path is not documented at all (swagger.json, the simulators, unknown routes).
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(HttpMethod method, string path, HttpResponseMessage response)
    {
        if (FindTemplate(path) is not { } template
            || _spec["paths"]![template]![method.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            return [];
        }
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        var operationName = $"{method.Method} {template}";
        var responses = operation["responses"]!.AsObject();
        if ((responses[status] ?? responses["default"]) is not JsonNode documented)
        {
            return [$"{operationName} answered {status}, which API-SPECIFICATION.yml does not document (documented: {string.Join(", ", responses.Select(r => r.Key))})."];
        }
        var spec = Resolve(documented).AsObject();
        var errors = new List<string>();
        foreach (var (name, header) in spec["headers"]?.AsObject() ?? [])
        {
            if (Resolve(header!)["required"]?.GetValue<bool>() == true
                && !response.Headers.NonValidated.Contains(name) && !response.Content.Headers.NonValidated.Contains(name))
            {
                errors.Add($"{operationName} {status} lacks the required header {name}.");
            }
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var content = spec["content"]?.AsObject();
        if (content is null)
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            if (body.Length > 0)
            {
                errors.Add($"{operationName} {status} documents no body but answered {body.Length} bytes of {mediaType}.");
            }
            return errors;
        }
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            errors.Add($"{operationName} {status} answered Content-Type {mediaType ?? "(none)"}; documented: {string.Join(", ", content.Select(c => c.Key))}.");
            return errors;
        }
        // A stream is read by the test as it arrives; its content type is all that can be checked here.
        if (!IsJson(mediaType) || method == HttpMethod.Head)
        {
            return errors;
        }
        if (media["schema"] is not { } schemaNode)
        {
            return errors;
        }

        await response.Content.LoadIntoBufferAsync();
        var text = await response.Content.ReadAsStringAsync();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            errors.Add($"{operationName} {status} answered a body that is not JSON ({e.Message}): {text}");
            return errors;
        }
        using (document)
        {
            var schema = _schemas.GetOrAdd($"{template} {method.Method} {status} {mediaType}", _ => Build(schemaNode));
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var details = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"  at '{d.InstanceLocation}' ({d.EvaluationPath}): {e.Value}"))
                    .Distinct()
                    .Take(20);
                errors.Add($"{operationName} {status} {mediaType} does not match its schema in API-SPECIFICATION.yml:\n{string.Join("\n", details)}\nBody: {Shorten(text)}");
            }
        }
        return errors;
    }

    private static bool IsJson(string mediaType) =>
        mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + " …";

    private JsonSchema Build(JsonNode openApiSchema)
    {
        var root = Translate(openApiSchema).AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _definitions.DeepClone();
        // Each schema gets its own base URI so building many never collides in the shared registry.
        var id = new Uri($"https://checkin.example/contract/{Guid.NewGuid():N}");
        return JsonSchema.FromText(root.ToJsonString(), baseUri: id);
    }

    private JsonNode Resolve(JsonNode node)
    {
        while (node is JsonObject o && o["$ref"]?.GetValue<string>() is { } reference)
        {
            node = reference.TrimStart('#').Trim('/').Split('/').Aggregate((JsonNode)_spec, (n, part) => n[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"API-SPECIFICATION.yml: {reference} does not resolve."));
        }
        return node;
    }

    /// <summary>
    /// OpenAPI 3.0 schema → JSON Schema 2020-12: component references point into <c>$defs</c>, and
    /// <c>nullable: true</c> becomes a <c>null</c> alternative.
    /// </summary>
    private static JsonNode Translate(JsonNode? node)
    {
        if (node is not JsonObject source)
        {
            return node?.DeepClone() ?? JsonValue.Create(true)!;
        }
        if (source["$ref"]?.GetValue<string>() is { } reference)
        {
            return new JsonObject { ["$ref"] = reference.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal) };
        }
        var target = new JsonObject();
        foreach (var (key, value) in source)
        {
            target[key] = key switch
            {
                "properties" => new JsonObject(value!.AsObject().Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Translate(p.Value)))),
                "items" or "not" => Translate(value),
                "additionalProperties" => value is JsonObject ? Translate(value) : value?.DeepClone(),
                "allOf" or "anyOf" or "oneOf" => new JsonArray([.. value!.AsArray().Select(Translate)]),
                _ => value?.DeepClone(),
            };
        }
        if (target["nullable"]?.GetValue<bool>() == true)
        {
            target.Remove("nullable");
            if (target["type"] is JsonValue type)
            {
                target["type"] = new JsonArray(type.GetValue<string>(), "null");
                if (target["enum"] is JsonArray values)
                {
                    values.Add(null);
                }
            }
            else
            {
                return new JsonObject { ["anyOf"] = new JsonArray(target, new JsonObject { ["type"] = "null" }) };
            }
        }
        return target;
    }

    /// <summary>YAML → JSON with YAML 1.2 core-schema typing for plain scalars; quoted scalars stay strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}."),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when IntegerPattern().IsMatch(value) => JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)),
        _ when FloatPattern().IsMatch(value) => JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^-?[0-9]+\\.[0-9]+([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
