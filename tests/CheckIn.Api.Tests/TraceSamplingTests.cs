using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace CheckIn.Api.Tests;

/// <summary>
/// What is recorded: traces start only at HTTP requests and everything under a request follows its sampling decision.
/// An unsampled request leaves no span anywhere (not even a grain call's, which Orleans would otherwise start as a
/// trace of its own), and the grains' log lines still carry its trace id; background grain calls (the abuse front's
/// reports and block polls) start no trace.
/// </summary>
public sealed class TraceSamplingTests(ITestOutputHelper log)
{
    private const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    [Fact]
    public async Task An_unsampled_request_records_no_span_and_the_grains_log_lines_carry_its_trace_id()
    {
        var spans = new TelemetrySpanCollection();
        var lines = new TraceIdCapture();
        await using var host = Host(spans, lines, ("CheckIn:Telemetry:SamplingRatio", "0"));
        var api = new CheckInApi(host.CreateContractCheckedClient());
        var flightId = await api.CreateFlightAsync();
        var traveller = await api.NewTravellerAsync(flightId);
        var traceId = ActivityTraceId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flights/{flightId}/seats/3A/hold")
        {
            Content = JsonContent.Create(new { passengerId = traveller.PassengerId }),
        };
        request.Headers.Authorization = new("Bearer", traveller.Token);
        // A caller that did not sample its trace: flags 00.
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00");
        using (var held = await api.Client.SendAsync(request))
        {
            await CheckInApi.EnsureStatusAsync(held, 200);
        }

        var seatLines = lines.Where(l => l.Category == "CheckIn.Grains.Seats.SeatGrain").ToList();
        foreach (var line in seatLines)
        {
            log.WriteLine($"{line.TraceId} {line.Message}");
        }
        // The seat grain's transition line, written inside the grain call the request made.
        Assert.Contains(seatLines, l => l.TraceId == traceId.ToHexString() && l.Message.Contains("-> Held", StringComparison.Ordinal));
        Assert.DoesNotContain(spans.Snapshot(), s => s.TraceId == traceId);
        Assert.DoesNotContain(spans.Snapshot(), s => s.Source.Name == OrleansApplicationSource && s.ParentSpanId == default);
    }

    [Fact]
    public async Task With_every_request_sampled_only_http_requests_start_traces_and_guard_calls_of_a_request_are_in_its_trace()
    {
        var spans = new TelemetrySpanCollection();
        await using var host = Host(spans, new TraceIdCapture(), ("CheckIn:Telemetry:SamplingRatio", "1.0"), ("CheckIn:RateLimiting:Enabled", "true"));
        var client = host.CreateClient();
        var flightId = await new CheckInApi(host.CreateContractCheckedClient()).CreateFlightAsync();
        using (var map = await client.GetAsync(new Uri($"/api/flights/{flightId}/seatmap", UriKind.Relative)))
        {
            Assert.True(map.IsSuccessStatusCode);
        }

        // The first read of a client asks its guard grain inside the request; after that the abuse front reports
        // what was spent and polls the block list from its background loop (every 250 and 500 ms).
        var guardCall = await Eventually.Until(
            () => Task.FromResult(spans.Snapshot().FirstOrDefault(s => s.Source.Name == OrleansApplicationSource && s.DisplayName.Contains("ClientGuard", StringComparison.Ordinal))),
            span => span is not null,
            "a recorded call to the client's guard grain");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var all = spans.Snapshot();
        foreach (var root in all.Where(s => s.ParentSpanId == default))
        {
            log.WriteLine($"root: {root.Source.Name} {root.Kind} {root.DisplayName}");
        }
        Assert.NotEqual(default, guardCall!.ParentSpanId);
        Assert.Contains(all, s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == guardCall.TraceId && s.ParentSpanId == default);
        Assert.All(all.Where(s => s.ParentSpanId == default), root =>
        {
            Assert.Equal("Microsoft.AspNetCore", root.Source.Name);
            Assert.Equal(ActivityKind.Server, root.Kind);
        });
    }

    private static WebApplicationFactory<Program> Host(TelemetrySpanCollection spans, TraceIdCapture lines, params (string Key, string Value)[] settings) =>
        new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.UseSetting("Logging:LogLevel:CheckIn", "Information");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
                services.AddLogging(logging => logging.AddProvider(lines));
            });
        });

    /// <summary>Each line's category, message and the trace id it was written under (what the log scope shows).</summary>
    private sealed record CapturedLine(string Category, string Message, string? TraceId);

    private sealed class TraceIdCapture : ILoggerProvider, IEnumerable<CapturedLine>
    {
        private readonly ConcurrentQueue<CapturedLine> _lines = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        public IEnumerator<CapturedLine> GetEnumerator() => _lines.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Logger(string category, ConcurrentQueue<CapturedLine> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(new CapturedLine(category, formatter(state, exception), Activity.Current?.TraceId.ToHexString()));
        }
    }
}
