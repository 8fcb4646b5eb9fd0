using System.Diagnostics;
using System.Text.Json;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;

namespace CheckIn.Bench.Scenarios;

/// <summary>Seat map requests as the load sends them: plain, or revalidating with the last ETag the client saw.</summary>
internal static class SeatMapReads
{
    /// <summary>Whether client <paramref name="client"/> of the pool sends If-None-Match (spread evenly).</summary>
    public static bool IsConditional(int client, double share) => Math.Floor((client + 1) * share) > Math.Floor(client * share);

    /// <summary>One read; 200 and 304 are successes, anything else an error counted by status and code.</summary>
    public static async Task ReadAsync(HttpClient http, string path, string?[]? etags, int slot, OperationRecorder recorder, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatMap(path, etags?[slot]), keepBody: false, cancellationToken);
        var end = Stopwatch.GetTimestamp();
        if (etags is not null && outcome.ETag is not null)
        {
            etags[slot] = outcome.ETag;
        }
        recorder.Record(start, end, outcome.Status, outcome.Status is 200 or 304 ? null : outcome.Describe());
    }

    /// <summary>Reads <c>holdExpiresAt</c> from a seat command's 200 body.</summary>
    public static DateTimeOffset? HoldExpiresAt(byte[]? body)
    {
        if (body is null)
        {
            return null;
        }
        using var seat = JsonDocument.Parse(body);
        return seat.RootElement.TryGetProperty("holdExpiresAt", out var e) && e.ValueKind == JsonValueKind.String ? e.GetDateTimeOffset() : null;
    }
}
