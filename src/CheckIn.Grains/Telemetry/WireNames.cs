using System.Text.Json;

namespace CheckIn.Grains.Telemetry;

/// <summary>Enum values as metric tags: the UPPER_SNAKE_CASE the API writes (<c>SEAT_UNAVAILABLE</c>, <c>IN_PROGRESS</c>).</summary>
internal static class WireNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());
}
