using System.Text.Json;

namespace CheckIn.Bench.Api;

/// <summary>One seat as the map shows it.</summary>
internal readonly record struct SeatView(string Status, DateTimeOffset? HoldExpiresAt);

/// <summary>A parsed seat map: version, ETag and every seat's status.</summary>
internal sealed record SeatMapState(long Version, string? ETag, IReadOnlyDictionary<string, SeatView> Seats)
{
    public static SeatMapState Parse(ReadOnlySpan<byte> body, string? etag)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var seats = new Dictionary<string, SeatView>(StringComparer.Ordinal);
        foreach (var seat in root.GetProperty("seats").EnumerateArray())
        {
            DateTimeOffset? expires = seat.TryGetProperty("holdExpiresAt", out var e) && e.ValueKind == JsonValueKind.String ? e.GetDateTimeOffset() : null;
            seats[seat.GetProperty("seatNumber").GetString()!] = new SeatView(seat.GetProperty("status").GetString()!, expires);
        }
        return new SeatMapState(root.GetProperty("version").GetInt64(), etag, seats);
    }
}
