using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

/// <summary>
/// Ids in paths, query strings and bodies are checked against their formats before anything is looked up: a
/// malformed one is 400 VALIDATION_FAILED naming the field, and every format the API creates still passes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HardeningIdFormatTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData("/api/flights/sh101/seatmap", "flightId")]
    [InlineData("/api/flights/SH-101/seatmap", "flightId")]
    [InlineData("/api/flights/S/seatmap", "flightId")]
    [InlineData("/api/flights/SH1011234567890/seatmap", "flightId")]
    [InlineData("/api/flights/SH%2F101/seatmap", "flightId")]
    [InlineData("/api/flights/SH101%0A/seatmap", "flightId")]
    public async Task A_malformed_flight_id_in_the_path_is_400_naming_it(string path, string field)
    {
        using var response = await _api.GetAsync(path);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Theory]
    [InlineData("seats/3a/hold", "seatNumber")]
    [InlineData("seats/0A/hold", "seatNumber")]
    [InlineData("seats/A3/hold", "seatNumber")]
    [InlineData("seats/3AB/hold", "seatNumber")]
    [InlineData("seats/1234A/hold", "seatNumber")]
    [InlineData("check-ins/abc123-1", "passengerId")]
    [InlineData("check-ins/ABC123", "passengerId")]
    [InlineData("check-ins/ABC123-0", "passengerId")]
    [InlineData("check-ins/ABC123-1%2F..", "passengerId")]
    [InlineData("check-ins/ABC123-1/boarding-pass", null)]
    [InlineData("waitlist/ABC-123-1", "passengerId")]
    public async Task A_malformed_seat_or_passenger_in_the_path_is_400_naming_it_for_a_signed_in_passenger(string rest, string? field)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        var path = $"/api/flights/{flightId}/{rest}";

        using var response = rest.EndsWith("/hold", StringComparison.Ordinal)
            ? await _api.PostJsonAsync(path, new { passengerId = traveller.PassengerId }, traveller.Token)
            : await _api.GetAsync(path, traveller.Token);

        if (field is null)
        {
            // Well-formed but another booking's passenger: refused for access, not for format.
            await ProblemAssert.IsProblemAsync(response, 403, "FORBIDDEN");
        }
        else
        {
            await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
        }
    }

    [Fact]
    public async Task Without_a_token_or_admin_key_a_malformed_id_is_still_401()
    {
        using var passenger = await _api.GetAsync("/api/flights/sh101/check-ins/nobody");
        using var admin = await _api.AdminGetAsync("/api/admin/flights/sh101/events", adminKey: null);

        await ProblemAssert.IsProblemAsync(passenger, 401, "UNAUTHENTICATED");
        await ProblemAssert.IsProblemAsync(admin, 401, "ADMIN_KEY_INVALID");
    }

    [Theory]
    [InlineData("/api/admin/flights/SH101/events?seat=3a", "seat")]
    [InlineData("/api/admin/flights/SH101/check-in-events?passengerId=ABC123_1", "passengerId")]
    [InlineData("/api/admin/flights/sh101/waitlist", "flightId")]
    public async Task Admin_reads_check_ids_in_the_path_and_query_string(string path, string field)
    {
        using var response = await _api.AdminGetAsync(path);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Fact]
    public async Task Ids_in_request_bodies_are_checked_naming_the_field()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var hold = await _api.PostJsonAsync($"/api/flights/{flightId}/seats/3A/hold", new { passengerId = "ABC123/1" }, traveller.Token);
        using var start = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = new[] { traveller.PassengerId, "x" } }, traveller.Token);
        using var join = await _api.PostJsonAsync($"/api/flights/{flightId}/waitlist", new { passengerId = traveller.PassengerId, togetherWith = new[] { "ABC123-1-2" } }, traveller.Token);
        using var bag = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins/{traveller.PassengerId}/bags", new { bagTag = "TAG-1" }, traveller.Token);
        using var flight = await _api.AdminPostAsync("/api/admin/flights", CheckInApi.FlightDefinition("sh101"));
        using var booking = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(CheckInApi.NewPnr(), "Okafor", 1, "sh 101"));
        using var pnr = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition("abc12", "Okafor", 1, flightId));

        await ProblemAssert.IsProblemAsync(hold, 400, "VALIDATION_FAILED", "passengerId");
        await ProblemAssert.IsProblemAsync(start, 400, "VALIDATION_FAILED", "passengerIds[1]");
        await ProblemAssert.IsProblemAsync(join, 400, "VALIDATION_FAILED", "togetherWith[0]");
        await ProblemAssert.IsProblemAsync(bag, 400, "VALIDATION_FAILED", "bagTag");
        await ProblemAssert.IsProblemAsync(flight, 400, "VALIDATION_FAILED", "flightId");
        await ProblemAssert.IsProblemAsync(booking, 400, "VALIDATION_FAILED", "flights[0]");
        await ProblemAssert.IsProblemAsync(pnr, 400, "VALIDATION_FAILED", "pnr");
    }

    [Fact]
    public async Task Every_id_format_the_api_creates_still_passes()
    {
        // The demo flight, a generated flight and the ninth passenger of a generated booking.
        using var demoMap = await _api.GetAsync("/api/flights/SH101/seatmap");
        await CheckInApi.EnsureStatusAsync(demoMap, 200);

        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId, passengers: 9);
        string[] seats = ["6E"];

        await _api.HoldAsync(traveller, flightId, seats[^1], traveller.PassengerIds[8]);
        using var checkIn = await _api.GetAsync($"/api/flights/{flightId}/check-ins/{traveller.PassengerIds[8]}", traveller.Token);
        using var events = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat={seats[^1]}");
        using var checkInEvents = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/check-in-events?passengerId={traveller.PassengerIds[8]}");

        await CheckInApi.EnsureStatusAsync(checkIn, 200);
        await CheckInApi.EnsureStatusAsync(events, 200);
        await CheckInApi.EnsureStatusAsync(checkInEvents, 200);
        Assert.Equal(seats[^1], (await CheckInApi.ReadJsonAsync(events)).EnumerateArray().Last().GetProperty("seatNumber").GetString());
    }

    [Fact]
    public async Task Row_120_and_a_twelve_character_flight_id_pass()
    {
        var flightId = "Z" + CheckInApi.NewFlightId()[1..] + "ABC";
        Assert.Equal(12, flightId.Length);
        var definition = JsonSerializer.SerializeToNode(CheckInApi.FlightDefinition(flightId))!;
        definition["layout"] = JsonSerializer.SerializeToNode(new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 118, lastRow = 120, columns = "AB_CD" } } });
        using (var created = await _api.AdminPostAsync("/api/admin/flights", definition))
        {
            await CheckInApi.EnsureStatusAsync(created, 201);
        }
        var traveller = await _api.NewTravellerAsync(flightId);

        var held = await _api.HoldAsync(traveller, flightId, "120D");

        Assert.Equal("HELD", held.GetProperty("status").GetString());
    }
}
