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
        var (status, body) = await FetchAsync(http, adminKey, cancellationToken);
        return status == 200
            ? Read(Encoding.UTF8.GetString(body), status, body.Length)
            : new MetricsScrape(status, body.Length, 0, false, 0);
    }

    /// <summary>GET /metrics with the admin key: the status and the body.</summary>
    public static async Task<(int Status, byte[] Body)> FetchAsync(HttpClient http, string adminKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("X-Admin-Key", adminKey);
        // The classic text format (what Prometheus 2.x asks for first besides OpenMetrics); the exporter serves both.
        request.Headers.TryAddWithoutValidation("Accept", "text/plain; version=0.0.4");
        var outcome = await HttpExchange.SendAsync(http, request, keepBody: true, cancellationToken);
        return (outcome.Status, outcome.Body ?? []);
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

    /// <summary>Every sample line of a Prometheus text exposition (comments and malformed lines skipped).</summary>
    public static IEnumerable<MetricSample> Samples(string text)
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

    /// <summary>
    /// <c>name{label="value",...} value [timestamp]</c>: label values are quoted and may hold <c>}</c>, spaces and
    /// escaped quotes (an <c>http_route</c> such as <c>/api/flights/{flightId}/seatmap</c>).
    /// </summary>
    private static MetricSample? Sample(string line)
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
            var open = i;
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
            labels = line[(open + 1)..i];
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
        return value is { } v ? new MetricSample(name, labels, v) : null;
    }
}

/// <summary>One sample of a Prometheus exposition: its name, its labels as written (without the braces), its value.</summary>
internal sealed record MetricSample(string Name, string Labels, double Value)
{
    /// <summary>The value of label <paramref name="label"/> (escapes undone), or null when the sample has none.</summary>
    public string? Label(string label)
    {
        var key = label + "=\"";
        var at = 0;
        while ((at = Labels.IndexOf(key, at, StringComparison.Ordinal)) >= 0)
        {
            if (at == 0 || Labels[at - 1] == ',')
            {
                var value = new StringBuilder();
                for (var i = at + key.Length; i < Labels.Length; i++)
                {
                    var c = Labels[i];
                    if (c == '\\' && i + 1 < Labels.Length)
                    {
                        i++;
                        value.Append(Labels[i] == 'n' ? '\n' : Labels[i]);
                    }
                    else if (c == '"')
                    {
                        return value.ToString();
                    }
                    else
                    {
                        value.Append(c);
                    }
                }
                return null;
            }
            at += key.Length;
        }
        return null;
    }
}
