using System.Text.Json;
using System.Text.Json.Serialization;

namespace CheckIn.Payments;

/// <summary>
/// The one definition of the simulator's wire format: camelCase properties, enums as UPPER_SNAKE strings.
/// Every endpoint and the webhook sender use it explicitly, so an embedding host's own JSON settings never leak in.
/// </summary>
public static class PaymentJson
{
    /// <summary>Read-only options; the host deserializes webhook bodies with exactly these.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
