using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SeatMapApiTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task The_seat_map_lists_every_seat_with_its_layout_and_status()
    {
        var flightId = await _api.CreateFlightAsync();

        using var response = await _api.GetAsync($"/api/flights/{flightId}/seatmap");

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        var map = await CheckInApi.ReadJsonAsync(response);
        Assert.Equal(flightId, map.GetProperty("flightId").GetString());
        Assert.Equal("LHR", map.GetProperty("origin").GetString());
        Assert.Equal("CDG", map.GetProperty("destination").GetString());
        Assert.Equal(JsonValueKind.Number, map.GetProperty("version").ValueKind);
        Assert.True(map.TryGetProperty("lastUpdated", out _));
        Assert.Equal(["BUSINESS", "ECONOMY"], map.GetProperty("cabins").EnumerateArray().Select(c => c.GetProperty("cabin").GetString()));
        Assert.Equal([5], map.GetProperty("exitRows").EnumerateArray().Select(r => r.GetInt32()));
        Assert.False(map.TryGetProperty("yourSeats", out _), "Anonymous callers have no seats of their own.");

        var seats = map.GetProperty("seats").EnumerateArray().ToDictionary(s => s.GetProperty("seatNumber").GetString()!);
        Assert.Equal((2 * 4) + (4 * 6), seats.Count);
        Assert.Equal("BLOCKED", seats["6F"].GetProperty("status").GetString());
        Assert.All(seats.Values.Where(s => s.GetProperty("seatNumber").GetString() != "6F"), s => Assert.Equal("AVAILABLE", s.GetProperty("status").GetString()));
        Assert.Equal(["WINDOW"], Characteristics(seats["1A"]));
        Assert.Equal(["AISLE"], Characteristics(seats["1C"]));
        Assert.Equal(["MIDDLE", "EXTRA_LEGROOM"], Characteristics(seats["3B"]));
        Assert.Equal(["WINDOW", "EXIT_ROW", "EXTRA_LEGROOM"], Characteristics(seats["5A"]));
        Assert.Equal("BUSINESS", seats["2D"].GetProperty("cabin").GetString());
        Assert.Equal(4, seats["4C"].GetProperty("row").GetInt32());
        Assert.Equal("C", seats["4C"].GetProperty("column").GetString());
    }

    [Fact]
    public async Task An_unchanged_map_is_304_for_its_etag()
    {
        var flightId = await _api.CreateFlightAsync();
        using var first = await _api.GetAsync($"/api/flights/{flightId}/seatmap");
        var etag = first.Headers.ETag!.ToString();

        using var second = await _api.GetAsync($"/api/flights/{flightId}/seatmap", ifNoneMatch: etag);

        Assert.Equal(304, (int)second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, second.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task If_none_match_with_a_list_of_etags_is_304_when_one_matches()
    {
        var flightId = await _api.CreateFlightAsync();
        using var first = await _api.GetAsync($"/api/flights/{flightId}/seatmap");
        var etag = first.Headers.ETag!.ToString();

        // RFC 9110 13.1.2: If-None-Match carries a comma-separated list. Sent as one header line, as Kestrel
        // receives it from a browser or curl (HttpClient would split it into separate values).
        var context = await fixture.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = $"/api/flights/{flightId}/seatmap";
            c.Request.Headers.IfNoneMatch = $"\"stale\", {etag}";
        });

        Assert.Equal(304, context.Response.StatusCode);
    }

    [Fact]
    public async Task If_none_match_compares_etags_weakly()
    {
        var flightId = await _api.CreateFlightAsync();
        using var first = await _api.GetAsync($"/api/flights/{flightId}/seatmap");
        var etag = first.Headers.ETag!.ToString();

        // RFC 9110 13.1.2: If-None-Match uses the weak comparison, so W/"n" matches "n".
        using var second = await _api.GetAsync($"/api/flights/{flightId}/seatmap", ifNoneMatch: $"W/{etag}");

        Assert.Equal(304, (int)second.StatusCode);
    }

    [Fact]
    public async Task A_hold_changes_the_etag_and_shows_the_seat_held_without_its_holder()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        using var before = await _api.GetAsync($"/api/flights/{flightId}/seatmap");
        var etagBefore = before.Headers.ETag!.ToString();
        var held = await _api.HoldAsync(traveller, flightId, "4E");

        using var after = await _api.GetAsync($"/api/flights/{flightId}/seatmap", ifNoneMatch: etagBefore);

        await CheckInApi.EnsureStatusAsync(after, 200);
        Assert.NotEqual(etagBefore, after.Headers.ETag?.ToString());
        var text = await after.Content.ReadAsStringAsync();
        Assert.DoesNotContain(traveller.PassengerId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("passengerId", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        var seat = document.RootElement.GetProperty("seats").EnumerateArray().Single(s => s.GetProperty("seatNumber").GetString() == "4E");
        Assert.Equal("HELD", seat.GetProperty("status").GetString());
        Assert.Equal(held.GetProperty("holdExpiresAt").GetDateTimeOffset(), seat.GetProperty("holdExpiresAt").GetDateTimeOffset());
        Assert.True(document.RootElement.GetProperty("version").GetInt64() > 0);
    }

    [Fact]
    public async Task The_holders_token_lists_their_seats()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId, passengers: 2);
        var held = await _api.HoldAsync(traveller, flightId, "3D", traveller.PassengerIds[1]);
        using var anonymous = await _api.GetAsync($"/api/flights/{flightId}/seatmap");

        using var response = await _api.GetAsync($"/api/flights/{flightId}/seatmap", traveller.Token);

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.NotEqual(anonymous.Headers.ETag?.ToString(), response.Headers.ETag?.ToString());
        Assert.Contains("Authorization", response.Headers.Vary);
        var mine = Assert.Single((await CheckInApi.ReadJsonAsync(response)).GetProperty("yourSeats").EnumerateArray());
        Assert.Equal(traveller.PassengerIds[1], mine.GetProperty("passengerId").GetString());
        Assert.Equal("3D", mine.GetProperty("seatNumber").GetString());
        Assert.Equal("HELD", mine.GetProperty("status").GetString());
        Assert.Equal(held.GetProperty("holdExpiresAt").GetDateTimeOffset(), mine.GetProperty("holdExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Someone_elses_token_does_not_reveal_the_holder()
    {
        var flightId = await _api.CreateFlightAsync();
        var holder = await _api.NewTravellerAsync(flightId);
        var other = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(holder, flightId, "3E");

        using var response = await _api.GetAsync($"/api/flights/{flightId}/seatmap", other.Token);

        await CheckInApi.EnsureStatusAsync(response, 200);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(holder.PassengerId, text, StringComparison.Ordinal);
        Assert.Empty((await CheckInApi.ReadJsonAsync(response)).GetProperty("yourSeats").EnumerateArray());
    }

    [Fact]
    public async Task An_invalid_token_gets_the_anonymous_map()
    {
        var flightId = await _api.CreateFlightAsync();

        using var response = await _api.GetAsync($"/api/flights/{flightId}/seatmap", "not-a-token");

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.False((await CheckInApi.ReadJsonAsync(response)).TryGetProperty("yourSeats", out _));
    }

    [Fact]
    public async Task An_unknown_flight_is_404_flight_not_found()
    {
        using var response = await _api.GetAsync($"/api/flights/{CheckInApi.NewFlightId()}/seatmap");

        await ProblemAssert.IsProblemAsync(response, 404, "FLIGHT_NOT_FOUND", "flightId");
    }

    private static List<string?> Characteristics(JsonElement seat) =>
        [.. seat.GetProperty("characteristics").EnumerateArray().Select(c => c.GetString())];
}
