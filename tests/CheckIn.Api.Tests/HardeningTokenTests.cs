using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Host.Hosting;

namespace CheckIn.Api.Tests;

/// <summary>
/// Session tokens: the algorithm is pinned (the same claims signed with HS512 with the very same key, or not signed
/// at all, are refused), a token must carry an expiry and may not start in the future beyond the skew, and a token
/// for one booking neither reads nor acts on another (a few representative endpoints; AccessMatrixTests has them all).
/// Expiry and the 30 s skew themselves are in SessionTokenClockTests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HardeningTokenTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData("HS512")]
    [InlineData("HS384")]
    [InlineData("none")]
    public async Task A_token_with_the_same_claims_and_another_algorithm_is_refused(string algorithm)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var payload = traveller.Token.Split('.')[1];
        var other = traveller with { Token = Sign(algorithm, payload) };

        using var genuine = await _api.SeatCommandAsync(traveller, flightId, "3A", "hold");
        using var refused = await _api.SeatCommandAsync(other, flightId, "3A", "release");

        await CheckInApi.EnsureStatusAsync(genuine, 200);
        await ProblemAssert.IsProblemAsync(refused, 401, "UNAUTHENTICATED");
        Assert.Equal("HELD", (await SeatAsync(flightId, "3A")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_correctly_signed_token_without_an_expiry_or_starting_beyond_the_skew_is_refused()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var claims = JsonNode.Parse(Base64UrlDecode(traveller.Token.Split('.')[1]))!.AsObject();
        var noExpiry = claims.DeepClone().AsObject();
        noExpiry.Remove("exp");
        var future = claims.DeepClone().AsObject();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        future["nbf"] = now + 120;
        future["iat"] = now + 120;
        future["exp"] = now + 3720;

        using var withoutExpiry = await _api.SeatCommandAsync(traveller with { Token = Sign("HS256", Base64Url(noExpiry.ToJsonString())) }, flightId, "3A", "hold");
        using var notYetValid = await _api.SeatCommandAsync(traveller with { Token = Sign("HS256", Base64Url(future.ToJsonString())) }, flightId, "3A", "hold");
        using var resigned = await _api.SeatCommandAsync(traveller with { Token = Sign("HS256", Base64Url(claims.ToJsonString())) }, flightId, "3A", "hold");

        await ProblemAssert.IsProblemAsync(withoutExpiry, 401, "UNAUTHENTICATED");
        await ProblemAssert.IsProblemAsync(notYetValid, 401, "UNAUTHENTICATED");
        // The control: the same signing, claims untouched, is accepted, so what refused the others is the claim.
        await CheckInApi.EnsureStatusAsync(resigned, 200);
    }

    [Fact]
    public async Task A_token_for_one_booking_cannot_read_or_act_on_another_on_the_same_flight()
    {
        var flightId = await _api.CreateFlightAsync();
        var owner = await _api.NewTravellerAsync(flightId);
        var intruder = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(owner, flightId, "3A");
        var victim = owner.PassengerId;

        using var release = await _api.SeatCommandAsync(intruder, flightId, "3A", "release", victim);
        using var hold = await _api.SeatCommandAsync(intruder, flightId, "3B", "hold", victim);
        using var readCheckIn = await _api.GetAsync($"/api/flights/{flightId}/check-ins/{victim}", intruder.Token);
        using var startCheckIn = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = new[] { victim } }, intruder.Token);
        using var boardingPass = await _api.GetAsync($"/api/flights/{flightId}/check-ins/{victim}/boarding-pass", intruder.Token);
        using var waitlist = await _api.GetAsync($"/api/flights/{flightId}/waitlist/{victim}", intruder.Token);
        var intruderMap = await _api.GetSeatMapAsync(flightId, intruder.Token);

        foreach (var response in new[] { release, hold, readCheckIn, startCheckIn, boardingPass, waitlist })
        {
            await ProblemAssert.IsProblemAsync(response, 403, "FORBIDDEN");
        }
        Assert.Empty(intruderMap.GetProperty("yourSeats").EnumerateArray());
        var seat = await SeatAsync(flightId, "3A");
        Assert.Equal("HELD", seat.GetProperty("status").GetString());
        Assert.Equal("AVAILABLE", (await SeatAsync(flightId, "3B")).GetProperty("status").GetString());
        using var ownerCheckIn = await _api.GetAsync($"/api/flights/{flightId}/check-ins/{victim}", owner.Token);
        Assert.Equal("NOT_STARTED", (await CheckInApi.ReadJsonAsync(ownerCheckIn)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_token_for_one_flight_cannot_act_on_another_flight()
    {
        var flightId = await _api.CreateFlightAsync();
        var otherFlight = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var hold = await _api.SeatCommandAsync(traveller, otherFlight, "3A", "hold");
        using var start = await _api.PostJsonAsync($"/api/flights/{otherFlight}/check-ins", new { passengerIds = new[] { traveller.PassengerId } }, traveller.Token);

        await ProblemAssert.IsProblemAsync(hold, 403, "FORBIDDEN", "flightId");
        await ProblemAssert.IsProblemAsync(start, 403, "FORBIDDEN");
        Assert.Equal("AVAILABLE", (await SeatAsync(otherFlight, "3A")).GetProperty("status").GetString());
    }

    private async Task<JsonElement> SeatAsync(string flightId, string seatNumber)
    {
        var map = await _api.GetSeatMapAsync(flightId);
        return map.GetProperty("seats").EnumerateArray().Single(s => s.GetProperty("seatNumber").GetString() == seatNumber);
    }

    /// <summary>A token over <paramref name="payload"/> with the host's own signing key and the given algorithm.</summary>
    private static string Sign(string algorithm, string payload)
    {
        var header = Base64Url($$"""{"alg":"{{algorithm}}","typ":"JWT"}""");
        var input = Encoding.ASCII.GetBytes($"{header}.{payload}");
        var key = Encoding.UTF8.GetBytes(CheckInOptions.EmbeddedSigningKey);
        var signature = algorithm switch
        {
            "HS256" => HMACSHA256.HashData(key, input),
            "HS384" => HMACSHA384.HashData(key, input),
            "HS512" => HMACSHA512.HashData(key, input),
            _ => [],
        };
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
    }
}
