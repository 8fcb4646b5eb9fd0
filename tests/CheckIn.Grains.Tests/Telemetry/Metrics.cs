using CheckIn.Grains.Telemetry;
using CheckIn.Grains.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CheckIn.Grains.Tests.Telemetry;

/// <summary>Collectors on the silo's <c>Orleans.CheckIn</c> meter, and reading them by tag (the cluster is shared: filter by your flight).</summary>
internal static class Metrics
{
    public static MetricCollector<T> Collect<T>(this ClusterFixture fixture, string instrument)
        where T : struct => new(fixture.Meters, CheckInMetrics.MeterName, instrument);

    public static string? Tag<T>(this CollectedMeasurement<T> m, string name)
        where T : struct => m.Tags.TryGetValue(name, out var value) ? value?.ToString() : null;

    public static IReadOnlyList<CollectedMeasurement<T>> For<T>(this MetricCollector<T> collector, string flight)
        where T : struct => [.. collector.GetMeasurementSnapshot().Where(m => m.Tag("flight") == flight)];
}
