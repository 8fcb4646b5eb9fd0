using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Host.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace CheckIn.Api.Tests;

/// <summary>
/// A host that records every trace (sampling 1.0) into an in-memory exporter, talks to a real Weight service over
/// HTTP, and keeps <c>/metrics</c> behind the admin key.
/// </summary>
public sealed class TracedHostFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _host;

    public TelemetrySpanCollection Spans { get; } = new();

    public IntegrationRemoteService Weight { get; private set; } = null!;

    public CheckInApi Api { get; private set; } = null!;

    public HttpClient Plain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Weight = await IntegrationRemoteService.StartWeightAsync(new Dictionary<string, string?> { ["WeightService:Bags:LIGHT01"] = "18.2" });
        var settings = IntegrationContainer.Settings(Weight.BaseUrl, payments: null);
        settings["CheckIn:Telemetry:SamplingRatio"] = "1.0";
        settings["CheckIn:Telemetry:MetricsAccess"] = "AdminKey";
        _host = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
        });
        Api = new CheckInApi(_host.CreateContractCheckedClient());
        Plain = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await Weight.DisposeAsync();
    }
}

/// <summary>
/// The OpenTelemetry pipeline seen from outside: Prometheus text at <c>/metrics</c> with ASP.NET Core, Orleans and
/// our own meter; one trace from the HTTP request through the grain calls to the outbound HTTP call; the problem's
/// <c>traceId</c> and the audit record's correlation id in the request's trace; the access setting; and off is off.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TelemetryTests(ApiFixture fixture, TracedHostFixture traced, ITestOutputHelper log) : IClassFixture<TracedHostFixture>
{
    private const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    [Fact]
    public async Task Metrics_are_Prometheus_text_with_http_server_orleans_and_checkin_series_after_a_hold()
    {
        var api = fixture.Api;
        var flightId = await api.CreateFlightAsync();
        var traveller = await api.NewTravellerAsync(flightId);
        await api.HoldAsync(traveller, flightId, "3A");
        using (var release = await api.SeatCommandAsync(traveller, flightId, "3A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }

        using var response = await api.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version=0.0.4", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/flights/{flightId}/seats/{seatNumber}/hold\"", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orleans_catalog_activations gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orleans_app_requests_latency_milliseconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        // Our meter, recorded by the seat grain.
        Assert.Contains("# TYPE checkin_seat_commands_total counter", text, StringComparison.Ordinal);
        // Label order is the exporter's: match each series by its labels.
        Assert.Contains(Series(text, "checkin_seat_holds_ended_total", $"flight=\"{flightId}\"", "outcome=\"released\""), line => line.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains(Series(text, "checkin_seat_commands_total", $"flight=\"{flightId}\"", "command=\"hold\"", "outcome=\"ok\""), line => line.EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bag_add_is_one_trace_from_the_server_span_through_the_grain_calls_to_the_weight_service_call()
    {
        var api = traced.Api;
        // Departing in 6 h: check-in is open.
        var flightId = await api.CreateFlightAsync(DateTimeOffset.UtcNow.AddHours(6));
        var traveller = await api.NewTravellerAsync(flightId);
        using (var start = await api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = traveller.PassengerIds }, traveller.Token))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        var bagPath = $"/api/flights/{flightId}/check-ins/{traveller.PassengerId}/bags";

        using (var bag = await api.PostJsonAsync(bagPath, new { bagTag = "LIGHT01" }, traveller.Token))
        {
            await CheckInApi.EnsureStatusAsync(bag, 200);
        }

        var server = await traced.Spans.ServerSpanAsync(bagPath, 200);
        var trace = await Eventually.Until(
            () => Task.FromResult(traced.Spans.InTrace(server.TraceId)),
            spans => spans.Any(s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client)
                && spans.Any(s => s.Source.Name == OrleansApplicationSource),
            "the grain-call and HttpClient spans of the bag add's trace");
        foreach (var span in trace.OrderBy(s => s.StartTimeUtc))
        {
            log.WriteLine($"{span.Source.Name,-32} {span.Kind,-8} {span.DisplayName} parent={span.ParentSpanId}");
        }

        Assert.Equal(ActivityTraceFlags.Recorded, server.ActivityTraceFlags & ActivityTraceFlags.Recorded);
        var grainCalls = trace.Where(s => s.Source.Name == OrleansApplicationSource).ToList();
        Assert.Contains(grainCalls, s => s.Kind == ActivityKind.Client && s.ParentSpanId == server.SpanId);
        Assert.Contains(grainCalls, s => s.Kind == ActivityKind.Server);
        var weighing = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client);
        Assert.StartsWith(traced.Weight.BaseUrl.ToString(), weighing.GetTagItem("url.full") as string, StringComparison.Ordinal);
        // The call happened inside a grain: its parent is one of the grain-call spans, not the HTTP request.
        Assert.Contains(grainCalls, s => s.SpanId == weighing.ParentSpanId);
    }

    [Fact]
    public async Task A_problem_traceId_and_an_audit_correlation_id_belong_to_their_requests_server_spans()
    {
        var api = traced.Api;
        var flightId = await api.CreateFlightAsync();
        var first = await api.NewTravellerAsync(flightId);
        var second = await api.NewTravellerAsync(flightId);
        var holdPath = $"/api/flights/{flightId}/seats/3A/hold";
        await api.HoldAsync(first, flightId, "3A");

        using var conflict = await api.SeatCommandAsync(second, flightId, "3A", "hold");
        var problem = await ProblemAssert.IsProblemAsync(conflict, 409, "SEAT_UNAVAILABLE");

        var traceparent = problem.GetProperty("traceId").GetString()!;
        var parts = traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        var refused = await traced.Spans.ServerSpanAsync(holdPath, 409);
        Assert.Equal(refused.TraceId.ToHexString(), parts[1]);
        Assert.Equal(refused.SpanId.ToHexString(), parts[2]);

        var held = await traced.Spans.ServerSpanAsync(holdPath, 200);
        var events = await Eventually.Until(async () =>
        {
            using var response = await api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat=3A");
            return (await CheckInApi.ReadJsonAsync(response)).EnumerateArray().ToList();
        }, list => list.Any(e => e.GetProperty("to").GetString() == "HELD"), "the HELD audit event of 3A");
        var heldEvent = events.First(e => e.GetProperty("to").GetString() == "HELD");
        Assert.Equal(held.TraceId.ToHexString(), heldEvent.GetProperty("correlationId").GetString());
        Assert.NotEqual(held.TraceId, refused.TraceId);
    }

    [Fact]
    public async Task With_MetricsAccess_AdminKey_metrics_need_the_key_as_header_or_basic_password()
    {
        using var none = await traced.Api.GetAsync("/metrics");
        using var header = await SendAsync(traced.Api.Client, request => request.Headers.Add("X-Admin-Key", CheckInApi.DevAdminKey));
        using var basic = await SendAsync(traced.Api.Client, request => request.Headers.Authorization = Basic("prometheus", CheckInApi.DevAdminKey));
        using var wrongBasic = await SendAsync(traced.Api.Client, request => request.Headers.Authorization = Basic("prometheus", "not-the-key"));
        using var wrongHeader = await SendAsync(traced.Api.Client, request => request.Headers.Add("X-Admin-Key", "not-the-key"));

        foreach (var refused in new[] { none, wrongBasic, wrongHeader })
        {
            await ProblemAssert.IsProblemAsync(refused, 401, "ADMIN_KEY_INVALID");
            Assert.StartsWith("Basic", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        // Prometheus text from the exporter, with either credential. Which series a scrape shows is
        // Metrics_are_Prometheus_text_...'s question (several hosts share this test process and its meters).
        foreach (var admitted in new[] { header, basic })
        {
            Assert.Equal("text/plain", admitted.Content.Headers.ContentType?.MediaType);
            Assert.Contains("target_info{service_name=\"orleans-checkin\"", await admitted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_scrapes_and_health_probes_are_not_traced()
    {
        using var probe = await traced.Plain.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var scrape = await SendAsync(traced.Api.Client, request => request.Headers.Add("X-Admin-Key", CheckInApi.DevAdminKey));
        // A traced request after them: once its span has ended, theirs would have too.
        var flightId = await traced.Api.CreateFlightAsync();
        using var map = await traced.Plain.GetAsync(new Uri($"/api/flights/{flightId}/seatmap", UriKind.Relative));
        await traced.Spans.ServerSpanAsync($"/api/flights/{flightId}/seatmap", (int)map.StatusCode);

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.DoesNotContain(traced.Spans.Snapshot(), s => s.Source.Name == "Microsoft.AspNetCore"
            && (s.GetTagItem("url.path") as string) is "/metrics" or "/health/live");
    }

    [Fact]
    public async Task With_telemetry_disabled_nothing_is_registered_and_metrics_is_404()
    {
        await using var host = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.UseSetting("CheckIn:Telemetry:Enabled", "false");
        });
        var api = new CheckInApi(host.CreateContractCheckedClient());

        using var response = await api.GetAsync("/metrics");

        await ProblemAssert.IsProblemAsync(response, 404, "NOT_FOUND");
        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("SamplingRatio", "1.5", "CheckIn:Telemetry:SamplingRatio")]
    [InlineData("SamplingRatio", "often", "CheckIn:Telemetry:SamplingRatio")]
    [InlineData("MetricsAccess", "Everyone", "CheckIn:Telemetry:MetricsAccess")]
    [InlineData("MetricsPort", "70000", "CheckIn:Telemetry:MetricsPort")]
    [InlineData("Enabled", "sometimes", "CheckIn:Telemetry:Enabled")]
    public void A_malformed_telemetry_setting_fails_validation_naming_it(string name, string value, string named)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"CheckIn:Telemetry:{name}"] = value })
            .Build();

        var options = TelemetryOptions.Read(configuration, new RunMode(null, null));
        var result = new TelemetryOptionsValidator([5080]).Validate(null, options);

        Assert.True(result.Failed, $"{name}={value} passed validation");
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metrics_port_may_not_be_the_http_port_and_the_defaults_depend_on_the_mode()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CheckIn:Telemetry:MetricsPort"] = "5080" })
            .Build();

        var embedded = TelemetryOptions.Read(configuration, new RunMode(null, null));
        var durable = TelemetryOptions.Read(configuration, new RunMode("Host=db", null));
        var result = new TelemetryOptionsValidator([5080]).Validate(null, embedded);

        Assert.True(result.Failed);
        Assert.Contains("CheckIn:Telemetry:MetricsPort", result.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(MetricsAccess.Open, embedded.MetricsAccess);
        Assert.Equal(MetricsAccess.AdminKey, durable.MetricsAccess);
        Assert.Equal(0.1, embedded.SamplingRatio);
        Assert.True(embedded.Enabled);
        Assert.True(new TelemetryOptionsValidator([5081]).Validate(null, embedded).Succeeded);
    }

    private static List<string> Series(string text, string name, params string[] labels) =>
        [.. text.Split('\n').Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        configure(request);
        return await client.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
