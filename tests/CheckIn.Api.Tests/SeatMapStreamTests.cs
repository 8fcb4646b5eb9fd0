using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Host.Api;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SeatMapStreamTests(ApiFixture fixture, ITestOutputHelper log)
{
    private readonly CheckInApi _api = fixture.Api;

    /// <summary>The hubs' polling interval (SeatMapHub.PollInterval).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private static string StreamPath(string flightId) => $"/api/flights/{flightId}/seatmap/stream";

    [Fact]
    public async Task The_first_event_is_the_full_map_with_its_version_as_id()
    {
        var flightId = await _api.CreateFlightAsync();
        var map = await _api.GetSeatMapAsync(flightId);

        await using var stream = await EventStream.OpenAsync(_api.Client, StreamPath(flightId), token: null);
        await CheckInApi.EnsureStatusAsync(stream.Response, 200);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var first = await stream.NextAsync();

        Assert.Equal("seatmap", first.Type);
        var version = map.GetProperty("version").GetInt64();
        Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Id);
        Assert.Equal(version, first.Data.GetProperty("version").GetInt64());
        Assert.Equal(flightId, first.Data.GetProperty("flightId").GetString());
        Assert.Equal(map.GetProperty("seats").GetArrayLength(), first.Data.GetProperty("seats").GetArrayLength());
        Assert.False(first.Data.TryGetProperty("yourSeats", out _));
    }

    [Fact]
    public async Task A_hold_arrives_as_a_seats_event_with_a_higher_version_and_only_the_changed_seat()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        await using var stream = await EventStream.OpenAsync(_api.Client, StreamPath(flightId), token: null);
        var first = await stream.NextAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();

        await _api.HoldAsync(traveller, flightId, "3B");
        var change = await stream.NextOfTypeAsync("seats");
        log.WriteLine($"Hold seen on the stream after {started.ElapsedMilliseconds} ms.");

        var version = change.Data.GetProperty("version").GetInt64();
        Assert.True(version > long.Parse(first.Id!, System.Globalization.CultureInfo.InvariantCulture), $"version {version} after {first.Id}");
        Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), change.Id);
        var seat = Assert.Single(change.Data.GetProperty("seats").EnumerateArray());
        Assert.Equal("3B", seat.GetProperty("seatNumber").GetString());
        Assert.Equal("HELD", seat.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, seat.GetProperty("holdExpiresAt").ValueKind);
    }

    [Fact]
    public async Task Resuming_with_Last_Event_ID_sends_only_the_later_changes()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId, passengers: 2);
        // The first stream keeps the hub alive, so the process still has the changes when the second one resumes.
        await using var first = await EventStream.OpenAsync(_api.Client, StreamPath(flightId), token: null);
        var map = await first.NextAsync();
        await _api.HoldAsync(traveller, flightId, "3B", traveller.PassengerIds[0]);
        var seen = await first.NextOfTypeAsync("seats");
        await _api.HoldAsync(traveller, flightId, "4C", traveller.PassengerIds[1]);
        var missed = await first.NextOfTypeAsync("seats");

        await using var resumed = await EventStream.OpenAsync(_api.Client, StreamPath(flightId), token: null, lastEventId: seen.Id);
        var next = await resumed.NextAsync();

        Assert.NotEqual(map.Id, seen.Id);
        Assert.Equal("seats", next.Type);
        Assert.Equal(missed.Id, next.Id);
        Assert.Equal(["4C"], next.Data.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("seatNumber").GetString()));
    }

    [Fact]
    public async Task Resuming_from_a_version_the_process_does_not_have_sends_the_full_map()
    {
        var flightId = await _api.CreateFlightAsync();

        await using var resumed = await EventStream.OpenAsync(_api.Client, StreamPath(flightId), token: null, lastEventId: "999999");
        var next = await resumed.NextAsync();

        Assert.Equal("seatmap", next.Type);
        Assert.Equal(flightId, next.Data.GetProperty("flightId").GetString());
    }

    [Fact]
    public async Task A_hundred_streams_of_one_flight_share_one_hub_and_one_read_per_poll()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var counters = fixture.Server.Services.GetRequiredService<SeatMapStreamCounters>();
        var streams = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => EventStream.OpenAsync(_api.Client, StreamPath(flightId), token: null)));
        try
        {
            await Task.WhenAll(streams.Select(s => s.NextAsync()));
            var readsBefore = counters.MapReads(flightId);
            var polling = System.Diagnostics.Stopwatch.StartNew();

            await _api.HoldAsync(traveller, flightId, "3B");
            var changes = await Task.WhenAll(streams.Select(s => s.NextOfTypeAsync("seats")));
            var reads = counters.MapReads(flightId) - readsBefore;
            // One read per 250 ms poll for the whole flight: 100 streams reading for themselves would be 100 per poll.
            var polls = Math.Ceiling(polling.Elapsed / PollInterval) + 2;
            log.WriteLine($"{reads} map reads in {polling.ElapsedMilliseconds} ms for 100 streams.");

            Assert.Equal(1, counters.HubsCreated(flightId));
            Assert.Equal(1, counters.HubsOpen(flightId));
            Assert.True(reads <= polls, $"{reads} map reads for at most {polls} polls");
            Assert.All(changes, c => Assert.Equal(changes[0].Id, c.Id));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
        await Eventually.Until(() => Task.FromResult(counters.HubsOpen(flightId)), open => open == 0, "the hub is disposed after the last stream left");
    }

    [Fact]
    public async Task The_stream_opens_with_a_retry_hint()
    {
        var flightId = await _api.CreateFlightAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, StreamPath(flightId));
        using var timeout = new CancellationTokenSource(EventStream.ReadTimeout);

        using var response = await _api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        Assert.Equal("retry: 3000", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task An_unknown_flight_is_a_404_problem()
    {
        await using var stream = await EventStream.OpenAsync(_api.Client, StreamPath(CheckInApi.NewFlightId()), token: null);

        await ProblemAssert.IsProblemAsync(stream.Response, 404, "FLIGHT_NOT_FOUND");
    }
}
