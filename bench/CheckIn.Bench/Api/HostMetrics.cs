using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CheckIn.Bench.Api;

/// <summary>
/// What one scrape of the host's <c>/metrics</c> says about its grain activations (Orleans's
/// <c>orleans_catalog_activations</c> gauge, by grain type) and its holds' expiry lag (our
/// <c>checkin_seat_hold_expiry_lag_seconds</c> histogram, all flights together). <see cref="Status"/> is not 200 when
/// the host has no metrics (telemetry off) or did not answer; then everything else is empty.
/// </summary>
internal sealed record HostMetrics(int Status, double Activations, IReadOnlyDictionary<string, double> ActivationsByType, BucketHistogram HoldExpiryLag)
{
    public const string ActivationsGauge = "orleans_catalog_activations";
    public const string HoldExpiryLagHistogram = "checkin_seat_hold_expiry_lag_seconds";

    public bool Answered => Status == 200;

    public static async Task<HostMetrics> ScrapeAsync(HttpClient http, string adminKey, CancellationToken cancellationToken)
    {
        var (status, body) = await MetricsScrape.FetchAsync(http, adminKey, cancellationToken);
        return status == 200 ? Read(Encoding.UTF8.GetString(body)) : new HostMetrics(status, 0, new Dictionary<string, double>(), BucketHistogram.Empty);
    }

    public static HostMetrics Read(string text)
    {
        var byType = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var buckets = new SortedDictionary<double, double>();
        double count = 0;
        double sum = 0;
        foreach (var sample in MetricsScrape.Samples(text))
        {
            if (sample.Name == ActivationsGauge)
            {
                var type = sample.Label("grain_type") ?? "";
                byType[type] = byType.GetValueOrDefault(type) + sample.Value;
            }
            else if (sample.Name == HoldExpiryLagHistogram + "_bucket" && sample.Label("le") is { } le)
            {
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, NumberStyles.Float, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + sample.Value;
            }
            else if (sample.Name == HoldExpiryLagHistogram + "_count")
            {
                count += sample.Value;
            }
            else if (sample.Name == HoldExpiryLagHistogram + "_sum")
            {
                sum += sample.Value;
            }
        }
        return new HostMetrics(200, byType.Values.Sum(), byType, new BucketHistogram(count, sum, [.. buckets.Select(b => new HistogramBucket(b.Key, b.Value))]));
    }

    /// <summary>Activation counts by grain type, largest first, leaving out the types with none.</summary>
    public JsonObject ActivationsJson() => new(ActivationsByType.Where(t => t.Value > 0).OrderByDescending(t => t.Value)
        .Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value))));
}

/// <summary>One cumulative bucket of a Prometheus histogram: observations at most <see cref="UpperBound"/>.</summary>
internal readonly record struct HistogramBucket(double UpperBound, double Cumulative);

/// <summary>A Prometheus histogram (cumulative buckets, count, sum), summed over its label sets.</summary>
internal sealed record BucketHistogram(double Count, double Sum, IReadOnlyList<HistogramBucket> Buckets)
{
    public static BucketHistogram Empty { get; } = new(0, 0, []);

    /// <summary>What was observed since <paramref name="earlier"/> (a scrape of the same process).</summary>
    public BucketHistogram Since(BucketHistogram earlier)
    {
        var before = earlier.Buckets.ToDictionary(b => b.UpperBound, b => b.Cumulative);
        return new BucketHistogram(Count - earlier.Count, Sum - earlier.Sum,
            [.. Buckets.Select(b => new HistogramBucket(b.UpperBound, b.Cumulative - before.GetValueOrDefault(b.UpperBound)))]);
    }

    /// <summary>
    /// The upper bound of the bucket that holds quantile <paramref name="q"/> (an upper bound of the true value; +Inf
    /// when it lies past the last finite bucket), or null when nothing was observed.
    /// </summary>
    public double? UpperBoundOf(double q) =>
        Count <= 0 ? null : Buckets.Where(b => b.Cumulative >= q * Count).Select(b => (double?)b.UpperBound).FirstOrDefault() ?? double.PositiveInfinity;

    public JsonObject ToJson() => new()
    {
        ["count"] = Count,
        ["averageSeconds"] = Count > 0 ? Math.Round(Sum / Count, 4) : null,
        ["p50AtMostSeconds"] = Bound(UpperBoundOf(0.5)),
        ["p99AtMostSeconds"] = Bound(UpperBoundOf(0.99)),
        ["maxAtMostSeconds"] = Bound(UpperBoundOf(1)),
    };

    private static JsonNode? Bound(double? bound) => bound switch
    {
        null => null,
        { } b when double.IsPositiveInfinity(b) => "+Inf",
        { } b => b,
    };
}
