using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CheckIn.Weight;

internal readonly record struct JsonBody<T>(T? Value, string Field, string Error)
    where T : class;

/// <summary>
/// This service's own JSON settings (camelCase web defaults). Every read and write passes them explicitly, so a host
/// that embeds the service with different global JSON options does not change the wire format.
/// </summary>
internal static class WeightJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static async Task<JsonBody<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null
                ? new JsonBody<T>(null, "body", "The body must be a JSON object.")
                : new JsonBody<T>(value, "", "");
        }
        catch (JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            var error = field == "body"
                ? "The body must be a JSON object."
                : $"'{field}' has a value of the wrong type or format.";
            return new JsonBody<T>(null, field, error);
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Responses are JSON for API clients, never inlined into HTML, so quotes in details need no escaping.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
