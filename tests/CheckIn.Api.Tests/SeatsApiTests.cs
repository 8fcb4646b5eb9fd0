using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SeatsApiTests(ApiFixture fixture)
{
    private static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(2);

    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task Holding_an_available_seat_returns_the_hold_and_its_expiry()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var before = DateTimeOffset.UtcNow;

        using var response = await _api.SeatCommandAsync(traveller, flightId, "3A", "hold");

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var seat = await CheckInApi.ReadJsonAsync(response);
        Assert.Equal(flightId, seat.GetProperty("flightId").GetString());
        Assert.Equal("3A", seat.GetProperty("seatNumber").GetString());
        Assert.Equal("HELD", seat.GetProperty("status").GetString());
        Assert.Equal(traveller.PassengerId, seat.GetProperty("passengerId").GetString());
        var expires = seat.GetProperty("holdExpiresAt").GetDateTimeOffset();
        Assert.InRange(expires, before + HoldDuration, DateTimeOffset.UtcNow + HoldDuration);
    }

    [Fact]
    public async Task The_holder_confirms_and_then_releases_the_seat()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(traveller, flightId, "4C");

        using var confirm = await _api.SeatCommandAsync(traveller, flightId, "4C", "confirm");
        await CheckInApi.EnsureStatusAsync(confirm, 200);
        var confirmed = await CheckInApi.ReadJsonAsync(confirm);
        Assert.Equal("CONFIRMED", confirmed.GetProperty("status").GetString());
        Assert.Equal(traveller.PassengerId, confirmed.GetProperty("passengerId").GetString());
        Assert.False(confirmed.TryGetProperty("holdExpiresAt", out _), "A confirmed seat has no hold expiry.");

        using var release = await _api.SeatCommandAsync(traveller, flightId, "4C", "release");
        await CheckInApi.EnsureStatusAsync(release, 200);
        var released = await CheckInApi.ReadJsonAsync(release);
        Assert.Equal("AVAILABLE", released.GetProperty("status").GetString());
        Assert.False(released.TryGetProperty("passengerId", out _));

        // Released means someone else can have it now.
        var other = await _api.NewTravellerAsync(flightId);
        var held = await _api.HoldAsync(other, flightId, "4C");
        Assert.Equal(other.PassengerId, held.GetProperty("passengerId").GetString());
    }

    [Fact]
    public async Task Holding_a_second_seat_gives_up_the_first()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(traveller, flightId, "3A");

        await _api.HoldAsync(traveller, flightId, "3B");

        var other = await _api.NewTravellerAsync(flightId);
        var taken = await _api.HoldAsync(other, flightId, "3A");
        Assert.Equal(other.PassengerId, taken.GetProperty("passengerId").GetString());
    }

    [Fact]
    public async Task A_seat_held_by_a_passenger_of_another_booking_is_unavailable()
    {
        var flightId = await _api.CreateFlightAsync();
        var first = await _api.NewTravellerAsync(flightId);
        var second = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(first, flightId, "5D");

        using var response = await _api.SeatCommandAsync(second, flightId, "5D", "hold");

        await ProblemAssert.IsProblemAsync(response, 409, "SEAT_UNAVAILABLE");
    }

    [Fact]
    public async Task A_blocked_seat_is_unavailable()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.SeatCommandAsync(traveller, flightId, "6F", "hold");

        await ProblemAssert.IsProblemAsync(response, 409, "SEAT_UNAVAILABLE");
    }

    [Theory]
    [InlineData("confirm")]
    [InlineData("release")]
    public async Task Only_the_holder_may_confirm_or_release(string command)
    {
        var flightId = await _api.CreateFlightAsync();
        var holder = await _api.NewTravellerAsync(flightId);
        var other = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(holder, flightId, "2D");

        using var response = await _api.SeatCommandAsync(other, flightId, "2D", command);

        await ProblemAssert.IsProblemAsync(response, 409, "NOT_HOLDER");
    }

    [Fact]
    public async Task Confirming_a_seat_nobody_holds_is_not_holder()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.SeatCommandAsync(traveller, flightId, "4A", "confirm");

        await ProblemAssert.IsProblemAsync(response, 409, "NOT_HOLDER");
    }

    [Fact]
    public async Task An_unknown_flight_is_404_flight_not_found()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.SeatCommandAsync(traveller, CheckInApi.NewFlightId(), "3A", "hold");

        await ProblemAssert.IsProblemAsync(response, 404, "FLIGHT_NOT_FOUND", "flightId");
    }

    [Theory]
    [InlineData("99A")]
    [InlineData("3G")]
    [InlineData("1B")]
    public async Task An_unknown_seat_is_404_seat_not_found(string seatNumber)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.SeatCommandAsync(traveller, flightId, seatNumber, "hold");

        await ProblemAssert.IsProblemAsync(response, 404, "SEAT_NOT_FOUND", "seatNumber");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl")]
    public async Task Without_a_valid_token_a_seat_command_is_401_unauthenticated(string? token)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.SeatCommandAsync(traveller with { Token = token! }, flightId, "3A", "hold");

        await ProblemAssert.IsProblemAsync(response, 401, "UNAUTHENTICATED");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_token_with_a_tampered_signature_is_401_unauthenticated()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var parts = traveller.Token.Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        using var response = await _api.SeatCommandAsync(traveller with { Token = tampered }, flightId, "3A", "hold");

        await ProblemAssert.IsProblemAsync(response, 401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task A_passenger_of_another_booking_is_403_forbidden()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var stranger = await _api.NewTravellerAsync(flightId);

        using var response = await _api.SeatCommandAsync(traveller, flightId, "3A", "hold", stranger.PassengerId);

        await ProblemAssert.IsProblemAsync(response, 403, "FORBIDDEN", "passengerId");
    }

    [Fact]
    public async Task A_flight_that_is_not_on_the_booking_is_403_forbidden()
    {
        var bookedFlight = await _api.CreateFlightAsync();
        var otherFlight = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(bookedFlight);

        using var response = await _api.SeatCommandAsync(traveller, otherFlight, "3A", "hold");

        await ProblemAssert.IsProblemAsync(response, 403, "FORBIDDEN", "flightId");
    }
}
