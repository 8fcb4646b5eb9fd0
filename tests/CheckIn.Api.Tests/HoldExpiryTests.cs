using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

/// <summary>Runs on the fixture's second host, whose clock is fake: holds expire without waiting two minutes.</summary>
[Collection(ApiCollection.Name)]
public sealed class HoldExpiryTests(ApiFixture fixture)
{
    private static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(2);

    private readonly FakeTimeHost _host = fixture.FakeTime;
    private readonly CheckInApi _api = fixture.FakeTime.Api;

    [Fact]
    public async Task Confirming_after_the_hold_expired_is_410_hold_expired()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var held = await _api.HoldAsync(traveller, flightId, "3C");
        Assert.Equal(_host.Clock.GetUtcNow() + HoldDuration, held.GetProperty("holdExpiresAt").GetDateTimeOffset());

        await _host.AdvanceAsync(HoldDuration + TimeSpan.FromSeconds(1));
        using var response = await _api.SeatCommandAsync(traveller, flightId, "3C", "confirm");

        await ProblemAssert.IsProblemAsync(response, 410, "HOLD_EXPIRED");
        using var events = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat=3C");
        await CheckInApi.EnsureStatusAsync(events, 200);
        var expiry = (await CheckInApi.ReadJsonAsync(events)).EnumerateArray().Last();
        Assert.Equal(("HELD", "AVAILABLE"), (expiry.GetProperty("from").GetString(), expiry.GetProperty("to").GetString()));
        Assert.Equal("system", expiry.GetProperty("actor").GetString());
        Assert.Equal("hold expired", expiry.GetProperty("reason").GetString());
        Assert.Equal(traveller.PassengerId, expiry.GetProperty("passengerId").GetString());
    }

    [Fact]
    public async Task Confirming_just_before_the_hold_expires_succeeds()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(traveller, flightId, "4D");

        await _host.AdvanceAsync(HoldDuration - TimeSpan.FromSeconds(1));
        using var response = await _api.SeatCommandAsync(traveller, flightId, "4D", "confirm");

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("CONFIRMED", (await CheckInApi.ReadJsonAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_expired_hold_frees_the_seat_for_someone_else()
    {
        var flightId = await _api.CreateFlightAsync();
        var first = await _api.NewTravellerAsync(flightId);
        var second = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(first, flightId, "5A");

        await _host.AdvanceAsync(HoldDuration + TimeSpan.FromSeconds(1));
        var taken = await _api.HoldAsync(second, flightId, "5A");

        Assert.Equal(second.PassengerId, taken.GetProperty("passengerId").GetString());
        // The first passenger learns why: their hold expired (not merely "someone else has it").
        using var late = await _api.SeatCommandAsync(first, flightId, "5A", "confirm");
        await ProblemAssert.IsProblemAsync(late, 410, "HOLD_EXPIRED");
    }
}
