using CheckIn.Bench.Api;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Tests;

/// <summary>
/// <c>--telemetry</c> (which host runs, with which setting) and the reading of the host's <c>/metrics</c> scrape that
/// proves telemetry was on: no host needed.
/// </summary>
public sealed class TelemetryOptionTests
{
    [Theory]
    [InlineData("off", new[] { "off" })]
    [InlineData("on", new[] { "on" })]
    [InlineData("both", new[] { "off", "on" })]
    [InlineData("on,off", new[] { "on", "off" })]
    public void Telemetry_modes_run_in_the_order_given(string text, string[] expected)
    {
        Assert.Equal(expected, TelemetrySettings.Sequence(text));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("")]
    [InlineData("on,maybe")]
    public void Other_telemetry_modes_are_refused(string text)
    {
        Assert.Null(TelemetrySettings.Sequence(text));
    }

    [Fact]
    public void Each_mode_sets_the_hosts_telemetry_switch()
    {
        Assert.Equal("false", TelemetrySettings.For("off")["CheckIn__Telemetry__Enabled"]);
        Assert.Equal("true", TelemetrySettings.For("on")["CheckIn__Telemetry__Enabled"]);
    }

    [Fact]
    public async Task A_bad_telemetry_option_stops_before_any_host_starts()
    {
        var output = new StringWriter();

        var exit = await BenchApp.RunAsync(["seatmap", "--smoke", "--start-host", "embedded", "--telemetry", "sometimes", "--no-save"], output, CancellationToken.None);

        Assert.NotEqual(0, exit);
        Assert.Contains("--telemetry must be off, on, both or a comma list of off and on (on,off), not 'sometimes'.", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("starting the", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_scrape_counts_the_request_histogram_across_routes_and_statuses()
    {
        // Label values hold braces, spaces and escaped quotes; samples may carry a timestamp; bucket bounds may be +Inf.
        const string text = """
            # TYPE http_server_request_duration_seconds histogram
            # UNIT http_server_request_duration_seconds seconds
            http_server_request_duration_seconds_bucket{http_request_method="GET",http_response_status_code="200",http_route="/api/flights/{flightId}/seatmap",le="+Inf"} 1200 1764806400000
            http_server_request_duration_seconds_sum{http_request_method="GET",http_response_status_code="200",http_route="/api/flights/{flightId}/seatmap"} 3.5 1764806400000
            http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/api/flights/{flightId}/seatmap"} 1200 1764806400000
            http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="304",http_route="/api/flights/{flightId}/seatmap"} 800 1764806400000
            http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="409",http_route="a \"quoted} route\" x"} 5
            # TYPE checkin_seat_commands_total counter
            checkin_seat_commands_total{flight="B0001",command="hold",outcome="ok"} 42
            process_runtime_dotnet_gc_heap_size_bytes NaN
            """;

        var scrape = MetricsScrape.Read(text);

        Assert.True(scrape.HasHttpServerDuration);
        Assert.Equal(2005, scrape.HttpServerRequestsCounted);
        Assert.Equal(7, scrape.Series);
        Assert.Equal(200, scrape.Status);
    }

    [Fact]
    public void A_scrape_without_the_request_histogram_says_so()
    {
        var scrape = MetricsScrape.Read("# TYPE checkin_waitlist_length gauge\ncheckin_waitlist_length{flight=\"B0001\"} 3\n");

        Assert.False(scrape.HasHttpServerDuration);
        Assert.Equal(0, scrape.HttpServerRequestsCounted);
        Assert.Equal(1, scrape.Series);
    }
}
