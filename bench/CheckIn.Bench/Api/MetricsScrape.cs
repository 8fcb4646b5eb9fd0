using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CheckIn.Bench.Api;

/// <summary>
/// One scrape of the host's <c>/metrics</c> (Prometheus text) with the admin key, as Prometheus would do it: proof
/// that telemetry was on (the endpoint answered and ASP.NET Core's request histogram counted the run's requests) or
/// off (404). Not part of any measured window.
/// </summary>
internal sealed record MetricsScrape(int Status, int Bytes, int Series, bool HasHttpServerDuration, double HttpServerRequestsCounted)
{
    public const string Path = "/metrics";

    /// <summary>ASP.NET Core's request-duration histogram as OpenTelemetry's Prometheus exporter names it.</summary>
    public const string HttpServerDuration = "http_server_request_duration_seconds";

    public static async Task<MetricsScrape> ScrapeAsync(HttpClient http, string adminKey, CancellationToken cancellationToken)
    {
        var (status, text, bytes) = await ScrapeTextAsync(http, adminKey, cancellationToken);
        return status == 200 ? Read(text, status, bytes) : new MetricsScrape(status, bytes, 0, false, 0);
    }

    /// <summary>The exposition text as served (empty unless 200).</summary>
    public static async Task<(int Status, string Text, int Bytes)> ScrapeTextAsync(HttpClient http, string adminKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("X-Admin-Key", adminKey);
        // The classic text format (what Prometheus 2.x asks for first besides OpenMetrics); the exporter serves both.
        request.Headers.TryAddWithoutValidation("Accept", "text/plain; version=0.0.4");
        var outcome = await HttpExchange.SendAsync(http, request, keepBody: true, cancellationToken);
        var body = outcome.Body ?? [];
        return (outcome.Status, outcome.Status == 200 ? Encoding.UTF8.GetString(body) : "", body.Length);
    }

    /// <summary>Every sample line of a Prometheus text exposition: name, the labels as written (without braces), value.</summary>
    public static IEnumerable<(string Name, string Labels, double Value)> Samples(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && line[0] != '#' && Sample(line) is { } sample)
            {
                yield return sample;
            }
        }
    }

    /// <summary>Reads a Prometheus text exposition: series count, and the sum of the request histogram's <c>_count</c> series.</summary>
    public static MetricsScrape Read(string text, int status = 200, int? bytes = null)
    {
        var series = 0;
        var hasDuration = false;
        double counted = 0;
        foreach (var sample in Samples(text))
        {
            series++;
            if (sample.Name.StartsWith(HttpServerDuration, StringComparison.Ordinal))
            {
                hasDuration = true;
                if (sample.Name == HttpServerDuration + "_count")
                {
                    counted += sample.Value;
                }
            }
        }
        return new MetricsScrape(status, bytes ?? Encoding.UTF8.GetByteCount(text), series, hasDuration, counted);
    }

    public JsonObject ToJson() => new()
    {
        ["status"] = Status,
        ["bytes"] = Bytes,
        ["series"] = Series,
        [$"has_{HttpServerDuration}"] = HasHttpServerDuration,
        ["httpServerRequestsCounted"] = HttpServerRequestsCounted,
    };

    /// <summary>
    /// <c>name{label="value",...} value [timestamp]</c>: label values are quoted and may hold <c>}</c>, spaces and
    /// escaped quotes (an <c>http_route</c> such as <c>/api/flights/{flightId}/seatmap</c>).
    /// </summary>
    private static (string Name, string Labels, double Value)? Sample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ' or '\t'))
        {
            i++;
        }
        var name = line[..i];
        var labels = "";
        if (i < line.Length && line[i] == '{')
        {
            var quoted = false;
            for (i++; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted && c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (!quoted && c == '}')
                {
                    break;
                }
            }
            if (i >= line.Length)
            {
                return null;
            }
            labels = line[(name.Length + 1)..i];
            i++;
        }
        var fields = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || fields.Length == 0)
        {
            return null;
        }
        var value = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var number => double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : (double?)null,
        };
        return value is { } v ? (name, labels, v) : null;
    }
}
