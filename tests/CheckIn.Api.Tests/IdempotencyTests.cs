using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task The_same_key_and_body_replays_the_first_answer()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var key = CheckInApi.NewIdempotencyKey();
        var path = $"/api/flights/{flightId}/seats/3A/hold";

        using var first = await _api.PostJsonAsync(path, new { passengerId = traveller.PassengerId }, traveller.Token, key);
        using var second = await _api.PostJsonAsync(path, new { passengerId = traveller.PassengerId }, traveller.Token, key);

        await CheckInApi.EnsureStatusAsync(first, 200);
        await CheckInApi.EnsureStatusAsync(second, 200);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], second.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Content.Headers.ContentType?.MediaType, second.Content.Headers.ContentType?.MediaType);
        // The replay did not run the command again: one transition only.
        Assert.Single(await SeatEventsAsync(flightId, "3A"));
    }

    [Fact]
    public async Task A_replay_ignores_json_formatting()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var key = CheckInApi.NewIdempotencyKey();
        var path = $"/api/flights/{flightId}/seats/3B/hold";
        using var first = await _api.PostJsonAsync(path, new { passengerId = traveller.PassengerId }, traveller.Token, key);
        await CheckInApi.EnsureStatusAsync(first, 200);

        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent($$"""{ "passengerId" :  "{{traveller.PassengerId}}" }""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", traveller.Token);
        request.Headers.Add("Idempotency-Key", key);
        using var second = await _api.Client.SendAsync(request);

        await CheckInApi.EnsureStatusAsync(second, 200);
        Assert.Equal(["true"], second.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_refusal_is_replayed_too()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var key = CheckInApi.NewIdempotencyKey();

        using var first = await _api.SeatCommandAsync(traveller, flightId, "6F", "hold", idempotencyKey: key);
        using var second = await _api.SeatCommandAsync(traveller, flightId, "6F", "hold", idempotencyKey: key);

        var a = await ProblemAssert.IsProblemAsync(first, 409, "SEAT_UNAVAILABLE");
        var b = await ProblemAssert.IsProblemAsync(second, 409, "SEAT_UNAVAILABLE");
        Assert.Equal(["true"], second.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(a.GetRawText(), b.GetRawText());
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_422_key_reused()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId, passengers: 2);
        var key = CheckInApi.NewIdempotencyKey();
        using var first = await _api.SeatCommandAsync(traveller, flightId, "4A", "hold", traveller.PassengerIds[0], key);
        await CheckInApi.EnsureStatusAsync(first, 200);

        using var otherBody = await _api.SeatCommandAsync(traveller, flightId, "4A", "hold", traveller.PassengerIds[1], key);
        using var otherSeat = await _api.SeatCommandAsync(traveller, flightId, "4B", "hold", traveller.PassengerIds[0], key);

        await ProblemAssert.IsProblemAsync(otherBody, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
        await ProblemAssert.IsProblemAsync(otherSeat, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
        Assert.Single(await SeatEventsAsync(flightId, "4A"));
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_booking()
    {
        var flightId = await _api.CreateFlightAsync();
        var first = await _api.NewTravellerAsync(flightId);
        var second = await _api.NewTravellerAsync(flightId);
        var key = CheckInApi.NewIdempotencyKey();

        using var a = await _api.SeatCommandAsync(first, flightId, "5A", "hold", idempotencyKey: key);
        using var b = await _api.SeatCommandAsync(second, flightId, "5B", "hold", idempotencyKey: key);

        await CheckInApi.EnsureStatusAsync(a, 200);
        await CheckInApi.EnsureStatusAsync(b, 200);
        Assert.False(b.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("5B", (await CheckInApi.ReadJsonAsync(b)).GetProperty("seatNumber").GetString());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("slash/key")]
    [InlineData("101 chars")]
    public async Task An_invalid_key_is_400_naming_the_header(string key)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        key = key == "101 chars" ? new string('k', 101) : key;

        using var response = await _api.SeatCommandAsync(traveller, flightId, "3A", "hold", idempotencyKey: key);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", "Idempotency-Key");
        Assert.Empty(await SeatEventsAsync(flightId, "3A"));
    }

    private async Task<List<System.Text.Json.JsonElement>> SeatEventsAsync(string flightId, string seat)
    {
        using var response = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat={seat}");
        await CheckInApi.EnsureStatusAsync(response, 200);
        return [.. (await CheckInApi.ReadJsonAsync(response)).EnumerateArray()];
    }
}
