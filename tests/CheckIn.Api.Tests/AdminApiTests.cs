using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AdminApiTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("DEV-ADMIN-KEY")]
    public async Task Without_the_admin_key_every_admin_operation_is_401(string? key)
    {
        var flightId = await _api.CreateFlightAsync();

        using var flight = await _api.AdminPostAsync("/api/admin/flights", CheckInApi.FlightDefinition(CheckInApi.NewFlightId()), key);
        using var booking = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(CheckInApi.NewPnr(), "Smith", 1, flightId), key);
        using var events = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events", key);

        await ProblemAssert.IsProblemAsync(flight, 401, "ADMIN_KEY_INVALID");
        await ProblemAssert.IsProblemAsync(booking, 401, "ADMIN_KEY_INVALID");
        await ProblemAssert.IsProblemAsync(events, 401, "ADMIN_KEY_INVALID");
    }

    [Fact]
    public async Task Creating_a_flight_is_idempotent_for_the_same_definition_only()
    {
        var flightId = CheckInApi.NewFlightId();

        using var created = await _api.AdminPostAsync("/api/admin/flights", CheckInApi.FlightDefinition(flightId));
        using var again = await _api.AdminPostAsync("/api/admin/flights", CheckInApi.FlightDefinition(flightId));
        using var different = await _api.AdminPostAsync("/api/admin/flights", CheckInApi.FlightDefinition(flightId, destination: "AMS"));

        await CheckInApi.EnsureStatusAsync(created, 201);
        Assert.Equal($"/api/flights/{flightId}/seatmap", created.Headers.Location?.OriginalString);
        var flight = await CheckInApi.ReadJsonAsync(created);
        Assert.Equal(flightId, flight.GetProperty("flightId").GetString());
        Assert.Equal("LHR", flight.GetProperty("origin").GetString());
        Assert.Equal("CDG", flight.GetProperty("destination").GetString());
        Assert.Equal(32, flight.GetProperty("seatCount").GetInt32());
        Assert.True(flight.TryGetProperty("departure", out _));
        Assert.True(flight.TryGetProperty("createdAt", out _));
        await CheckInApi.EnsureStatusAsync(again, 201);
        Assert.Equal(flight.GetRawText(), (await CheckInApi.ReadJsonAsync(again)).GetRawText());
        await ProblemAssert.IsProblemAsync(different, 409, "FLIGHT_EXISTS", "flightId");
    }

    [Theory]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":3,"columns":"AA"}]}""", "layout.cabins[0].columns")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":3,"columns":"A__B"}]}""", "layout.cabins[0].columns")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"columns":"AB"}]}""", "layout.cabins[0].lastRow")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":4,"lastRow":2,"columns":"AB"}]}""", "layout.cabins[0].firstRow")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"},{"cabin":"BUSINESS","firstRow":2,"lastRow":3,"columns":"AB"}]}""", "layout.cabins[1].firstRow")]
    [InlineData("""{"cabins":[]}""", "layout.cabins")]
    [InlineData("""{}""", "layout.cabins")]
    [InlineData("""{"cabins":[null]}""", "layout.cabins[0].cabin")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"}],"exitRows":[9]}""", "layout.exitRows")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"}],"extraLegroomRows":[9]}""", "layout.extraLegroomRows")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"}],"blockedSeats":["9Z"]}""", "layout.blockedSeats")]
    public async Task An_invalid_layout_is_400_naming_the_field(string layout, string field)
    {
        using var response = await PostFlightAsync(CheckInApi.NewFlightId(), layout);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Theory]
    [InlineData("""{"cabins":[{"cabin":"COACH","firstRow":1,"lastRow":2,"columns":"AB"}]}""", "layout.cabins[0].cabin")]
    [InlineData("""{"cabins":[{"cabin":4,"firstRow":1,"lastRow":2,"columns":"AB"}]}""", "layout.cabins[0].cabin")]
    [InlineData("""{"cabins":[{"cabin":"ECONOMY","firstRow":"one","lastRow":2,"columns":"AB"}]}""", "layout.cabins[0].firstRow")]
    public async Task A_layout_value_of_the_wrong_type_is_400_malformed_request(string layout, string field)
    {
        using var response = await PostFlightAsync(CheckInApi.NewFlightId(), layout);

        await ProblemAssert.IsProblemAsync(response, 400, "MALFORMED_REQUEST", field);
    }

    [Theory]
    [InlineData("t12345", "flightId")]
    [InlineData("A/B", "flightId")]
    public async Task An_invalid_flight_id_is_400(string flightId, string field)
    {
        using var response = await PostFlightAsync(flightId, """{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"}]}""");

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_flight_id_is_400_not_500(string flightId)
    {
        using var response = await PostFlightAsync(flightId, """{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"}]}""");

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", "flightId");
    }

    [Fact]
    public async Task A_null_blocked_seat_is_400_not_silently_accepted()
    {
        using var response = await PostFlightAsync(CheckInApi.NewFlightId(), """{"cabins":[{"cabin":"ECONOMY","firstRow":1,"lastRow":2,"columns":"AB"}],"blockedSeats":[null]}""");

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", "layout.blockedSeats");
    }

    [Fact]
    public async Task Creating_a_booking_is_idempotent_for_the_same_definition_only()
    {
        var flightId = await _api.CreateFlightAsync();
        var pnr = CheckInApi.NewPnr();

        using var created = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(pnr, "Moreau", 2, flightId));
        using var again = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(pnr, "Moreau", 2, flightId));
        using var different = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(pnr, "Moreau", 3, flightId));

        await CheckInApi.EnsureStatusAsync(created, 201);
        Assert.Equal($"/api/admin/bookings/{pnr}", created.Headers.Location?.OriginalString);
        var booking = await CheckInApi.ReadJsonAsync(created);
        Assert.Equal(pnr, booking.GetProperty("pnr").GetString());
        Assert.Equal([$"{pnr}-1", $"{pnr}-2"], booking.GetProperty("passengers").EnumerateArray().Select(p => p.GetProperty("passengerId").GetString()));
        Assert.Equal(flightId, Assert.Single(booking.GetProperty("flights").EnumerateArray()).GetProperty("flightId").GetString());
        await CheckInApi.EnsureStatusAsync(again, 201);
        await ProblemAssert.IsProblemAsync(different, 409, "BOOKING_EXISTS", "pnr");
    }

    [Fact]
    public async Task A_booking_on_an_unknown_flight_is_404()
    {
        var flightId = await _api.CreateFlightAsync();

        using var response = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(CheckInApi.NewPnr(), "Smith", 1, flightId, CheckInApi.NewFlightId()));

        await ProblemAssert.IsProblemAsync(response, 404, "FLIGHT_NOT_FOUND", "flights[1]");
    }

    [Theory]
    [InlineData("""{"passengers":[{"firstName":"A","lastName":"B"}],"flights":["F"]}""", "pnr")]
    [InlineData("""{"pnr":"abc123","passengers":[{"firstName":"A","lastName":"B"}],"flights":["F"]}""", "pnr")]
    [InlineData("""{"pnr":"PNR","flights":["F"]}""", "passengers")]
    [InlineData("""{"pnr":"PNR","passengers":[],"flights":["F"]}""", "passengers")]
    [InlineData("""{"pnr":"PNR","passengers":[{"lastName":"B"}],"flights":["F"]}""", "passengers[0].firstName")]
    [InlineData("""{"pnr":"PNR","passengers":[{"firstName":"A","lastName":" "}],"flights":["F"]}""", "passengers[0].lastName")]
    [InlineData("""{"pnr":"PNR","passengers":[{"firstName":"A","lastName":"B"}]}""", "flights")]
    [InlineData("""{"pnr":"PNR","passengers":[{"firstName":"A","lastName":"B"}],"flights":[]}""", "flights")]
    [InlineData("""{"pnr":"PNR","passengers":[{"firstName":"A","lastName":"B"}],"flights":["F","F"]}""", "flights")]
    [InlineData("""{"pnr":"PNR","passengers":[{"firstName":"A","lastName":"B"},{"firstName":"C","lastName":"B","cabin":"FIRST"}],"flights":["F"]}""", "passengers[1].cabin")]
    public async Task An_invalid_booking_is_400_naming_the_field(string template, string field)
    {
        var flightId = await _api.CreateFlightAsync();
        var body = template.Replace("\"PNR\"", $"\"{CheckInApi.NewPnr()}\"", StringComparison.Ordinal).Replace("\"F\"", $"\"{flightId}\"", StringComparison.Ordinal);

        using var response = await PostRawAdminAsync("/api/admin/bookings", body);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Fact]
    public async Task A_passenger_keeps_the_booked_cabin_in_the_booking_and_the_session()
    {
        var flightId = await _api.CreateFlightAsync();
        var pnr = CheckInApi.NewPnr();
        var body = new { pnr, passengers = new object[] { new { firstName = "Ann", lastName = "Cabin", cabin = "BUSINESS" }, new { firstName = "Bo", lastName = "Cabin" } }, flights = new[] { flightId } };

        using var created = await _api.AdminPostAsync("/api/admin/bookings", body);
        using var session = await _api.PostJsonAsync("/api/sessions", new { pnr, lastName = "Cabin" });

        await CheckInApi.EnsureStatusAsync(created, 201);
        await CheckInApi.EnsureStatusAsync(session, 201);
        foreach (var response in new[] { created, session })
        {
            var cabins = (await CheckInApi.ReadJsonAsync(response)).GetProperty("passengers").EnumerateArray().Select(p => p.GetProperty("cabin").GetString());
            Assert.Equal(["BUSINESS", "ECONOMY"], cabins);
        }
    }

    [Fact]
    public async Task An_unknown_cabin_is_400_malformed_request()
    {
        var flightId = await _api.CreateFlightAsync();
        var body = $$"""{"pnr":"{{CheckInApi.NewPnr()}}","passengers":[{"firstName":"A","lastName":"B","cabin":"STEERAGE"}],"flights":["{{flightId}}"]}""";

        using var response = await PostRawAdminAsync("/api/admin/bookings", body);

        await ProblemAssert.IsProblemAsync(response, 400, "MALFORMED_REQUEST");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task An_empty_flight_id_in_a_booking_is_400_not_500(string flightId)
    {
        using var response = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(CheckInApi.NewPnr(), "Smith", 1, flightId));

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", "flights[0]");
    }

    [Fact]
    public async Task The_events_of_a_seat_list_its_transitions_with_actor_reason_and_passenger()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(traveller, flightId, "4B");
        await _api.HoldAsync(traveller, flightId, "3F");
        foreach (var command in new[] { "confirm", "release" })
        {
            using var response = await _api.SeatCommandAsync(traveller, flightId, "3F", command);
            await CheckInApi.EnsureStatusAsync(response, 200);
        }

        using var seatEvents = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat=3F");
        using var allEvents = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events");
        using var limited = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?limit=2");

        await CheckInApi.EnsureStatusAsync(seatEvents, 200);
        var events = (await CheckInApi.ReadJsonAsync(seatEvents)).EnumerateArray().ToList();
        Assert.Equal(
            [("AVAILABLE", "HELD", 1L), ("HELD", "CONFIRMED", 2L), ("CONFIRMED", "AVAILABLE", 3L)],
            events.Select(e => (e.GetProperty("from").GetString(), e.GetProperty("to").GetString(), e.GetProperty("seatVersion").GetInt64())));
        Assert.All(events, e =>
        {
            Assert.Equal(flightId, e.GetProperty("flightId").GetString());
            Assert.Equal("3F", e.GetProperty("seatNumber").GetString());
            Assert.Equal(traveller.PassengerId, e.GetProperty("passengerId").GetString());
            Assert.Equal($"passenger:{traveller.PassengerId}", e.GetProperty("actor").GetString());
            Assert.Equal("passenger request", e.GetProperty("reason").GetString());
            Assert.True(e.GetProperty("eventId").TryGetGuid(out _));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("correlationId").GetString()));
            Assert.True(e.TryGetProperty("at", out _));
        });

        await CheckInApi.EnsureStatusAsync(allEvents, 200);
        var all = (await CheckInApi.ReadJsonAsync(allEvents)).EnumerateArray().ToList();
        // 4B: held, then released because the passenger moved to 3F.
        var moved = all.Where(e => e.GetProperty("seatNumber").GetString() == "4B").ToList();
        Assert.Equal(["HELD", "AVAILABLE"], moved.Select(e => e.GetProperty("to").GetString()));
        Assert.Equal("replaced by seat 3F", moved[1].GetProperty("reason").GetString());
        Assert.Equal(5, all.Count);
        Assert.Equal(2, (await CheckInApi.ReadJsonAsync(limited)).GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0", "VALIDATION_FAILED", "limit")]
    [InlineData("limit=-1", "VALIDATION_FAILED", "limit")]
    [InlineData("limit=1001", "VALIDATION_FAILED", "limit")]
    [InlineData("limit=abc", "MALFORMED_REQUEST", null)]
    public async Task An_events_limit_out_of_range_is_400(string query, string code, string? field)
    {
        var flightId = await _api.CreateFlightAsync();

        using var response = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?{query}");

        await ProblemAssert.IsProblemAsync(response, 400, code, field);
    }

    [Fact]
    public async Task The_events_limit_accepts_its_bounds()
    {
        var flightId = await _api.CreateFlightAsync();

        using var low = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?limit=1");
        using var high = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?limit=1000");

        await CheckInApi.EnsureStatusAsync(low, 200);
        await CheckInApi.EnsureStatusAsync(high, 200);
        Assert.Equal(JsonValueKind.Array, (await CheckInApi.ReadJsonAsync(high)).ValueKind);
    }

    [Fact]
    public async Task Events_of_an_unknown_flight_or_seat_are_404()
    {
        var flightId = await _api.CreateFlightAsync();

        using var noFlight = await _api.AdminGetAsync($"/api/admin/flights/{CheckInApi.NewFlightId()}/events");
        using var noSeat = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat=99Z");

        await ProblemAssert.IsProblemAsync(noFlight, 404, "FLIGHT_NOT_FOUND", "flightId");
        await ProblemAssert.IsProblemAsync(noSeat, 404, "SEAT_NOT_FOUND", "seat");
    }

    [Fact]
    public async Task The_waitlist_events_of_a_flight_need_the_admin_key_a_valid_limit_and_a_known_flight()
    {
        var flightId = await _api.CreateFlightAsync();
        var path = $"/api/admin/flights/{flightId}/waitlist-events";

        using var noKey = await _api.AdminGetAsync(path, adminKey: null);
        using var badLimit = await _api.AdminGetAsync($"{path}?limit=0");
        using var tooMany = await _api.AdminGetAsync($"{path}?limit=1001");
        using var unknown = await _api.AdminGetAsync($"/api/admin/flights/{CheckInApi.NewFlightId()}/waitlist-events");
        using var empty = await _api.AdminGetAsync($"{path}?limit=1000");

        await ProblemAssert.IsProblemAsync(noKey, 401, "ADMIN_KEY_INVALID");
        await ProblemAssert.IsProblemAsync(badLimit, 400, "VALIDATION_FAILED", "limit");
        await ProblemAssert.IsProblemAsync(tooMany, 400, "VALIDATION_FAILED", "limit");
        await ProblemAssert.IsProblemAsync(unknown, 404, "FLIGHT_NOT_FOUND", "flightId");
        await CheckInApi.EnsureStatusAsync(empty, 200);
        var events = await CheckInApi.ReadJsonAsync(empty);
        Assert.Equal(JsonValueKind.Array, events.ValueKind);
        Assert.Equal(0, events.GetArrayLength());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_unsupported_media_type()
    {
        using var response = await PostRawAdminAsync("/api/admin/flights", "{}", "text/plain");

        await ProblemAssert.IsProblemAsync(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    private Task<HttpResponseMessage> PostFlightAsync(string flightId, string layoutJson) =>
        PostRawAdminAsync("/api/admin/flights", $$"""
            {"flightId":{{JsonSerializer.Serialize(flightId)}},"origin":"LHR","destination":"CDG","departure":"2030-06-01T09:30:00Z","layout":{{layoutJson}}}
            """);

    private Task<HttpResponseMessage> PostRawAdminAsync(string path, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8) };
        request.Content.Headers.ContentType = new(contentType);
        request.Headers.Add("X-Admin-Key", CheckInApi.DevAdminKey);
        return _api.Client.SendAsync(request);
    }
}
