using System.Net.Http.Headers;
using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class CheckInsApiTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task Two_passengers_of_a_booking_start_together_and_each_has_their_own_check_in()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 2);

        using var response = await StartAsync(flightId, traveller, traveller.PassengerIds);

        await CheckInApi.EnsureStatusAsync(response, 200);
        var checkIns = (await CheckInApi.ReadJsonAsync(response)).GetProperty("checkIns").EnumerateArray().ToList();
        Assert.Equal(traveller.PassengerIds, checkIns.Select(c => c.GetProperty("passengerId").GetString()));
        Assert.All(checkIns, c => Assert.Equal("IN_PROGRESS", c.GetProperty("status").GetString()));
        var actions = checkIns[0].GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(["CHOOSE_SEAT", "ADD_BAG", "COMPLETE", "CANCEL"], actions);

        var second = await GetCheckInAsync(flightId, traveller, traveller.PassengerIds[1]);
        Assert.Equal("IN_PROGRESS", second.GetProperty("status").GetString());
        Assert.False(second.TryGetProperty("boardingPass", out _));
    }

    [Fact]
    public async Task Completing_issues_a_boarding_pass_as_json_and_as_a_qr_code()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        using (var start = await StartAsync(flightId, traveller, traveller.PassengerIds))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        await _api.HoldAsync(traveller, flightId, "4C");

        using var complete = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token);

        await CheckInApi.EnsureStatusAsync(complete, 200);
        var done = await CheckInApi.ReadJsonAsync(complete);
        Assert.Equal("COMPLETED", done.GetProperty("status").GetString());
        Assert.Equal("4C", done.GetProperty("seatNumber").GetString());
        var pass = done.GetProperty("boardingPass");
        Assert.Equal("4C", pass.GetProperty("seatNumber").GetString());
        Assert.Equal("ECONOMY", pass.GetProperty("cabin").GetString());
        Assert.Equal(1, pass.GetProperty("sequenceNumber").GetInt32());
        var bcbp = pass.GetProperty("bcbp").GetString()!;
        Assert.Equal(60, bcbp.Length);
        Assert.StartsWith("M1" + traveller.LastName.ToUpperInvariant() + "/PAX1", bcbp, StringComparison.Ordinal);
        Assert.Equal("LHRCDG", bcbp[30..36]);
        Assert.Equal("004C0001 1", bcbp[48..58]);

        await ProblemAssert.IsProblemAsync(await _api.SeatCommandAsync(traveller, flightId, "5A", "hold"), 409, "CHECKIN_COMPLETED");
        await ProblemAssert.IsProblemAsync(await _api.SeatCommandAsync(traveller, flightId, "4C", "release"), 409, "CHECKIN_COMPLETED");

        var json = await CheckInApi.ReadJsonAsync(await _api.GetAsync(PathOf(flightId, traveller.PassengerId, "/boarding-pass"), traveller.Token));
        Assert.Equal(bcbp, json.GetProperty("bcbp").GetString());

        using var image = await _api.GetAsync(pass.GetProperty("qrCodeUrl").GetString()!, traveller.Token);
        await CheckInApi.EnsureStatusAsync(image, 200);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        var png = await image.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
    }

    [Fact]
    public async Task Completing_without_a_seat_assigns_one_and_cancelling_gives_it_back()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        using (var start = await StartAsync(flightId, traveller, traveller.PassengerIds))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        using var complete = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token);
        await CheckInApi.EnsureStatusAsync(complete, 200);
        var seat = (await CheckInApi.ReadJsonAsync(complete)).GetProperty("seatNumber").GetString();
        Assert.Equal("3A", seat);

        using var cancel = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/cancel"), new { reason = "missed the train" }, traveller.Token);

        await CheckInApi.EnsureStatusAsync(cancel, 200);
        var cancelled = await CheckInApi.ReadJsonAsync(cancel);
        Assert.Equal("CANCELLED", cancelled.GetProperty("status").GetString());
        Assert.Equal("missed the train", cancelled.GetProperty("cancellationReason").GetString());
        var map = await _api.GetSeatMapAsync(flightId);
        var entry = map.GetProperty("seats").EnumerateArray().Single(s => s.GetProperty("seatNumber").GetString() == "3A");
        Assert.Equal("AVAILABLE", entry.GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(PathOf(flightId, traveller.PassengerId, "/boarding-pass"), traveller.Token), 404, "BOARDING_PASS_NOT_ISSUED", "passengerId");

        using var events = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/check-in-events?passengerId={traveller.PassengerId}");
        await CheckInApi.EnsureStatusAsync(events, 200);
        var trail = (await CheckInApi.ReadJsonAsync(events)).EnumerateArray().ToList();
        Assert.Equal(["START", "COMPLETE", "CANCEL"], trail.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("missed the train", trail[2].GetProperty("reason").GetString());
        Assert.Equal($"booking:{traveller.Pnr}", trail[2].GetProperty("actor").GetString());
        Assert.Equal("3A", trail[2].GetProperty("seatNumber").GetString());
    }

    [Fact]
    public async Task Check_in_before_the_window_opens_says_when_it_opens_and_starts_nobody()
    {
        var departure = DateTimeOffset.UtcNow.AddDays(3);
        var flightId = await _api.CreateFlightAsync(departure);
        var traveller = await _api.NewTravellerAsync(flightId, passengers: 2);

        var problem = await ProblemAssert.IsProblemAsync(await StartAsync(flightId, traveller, traveller.PassengerIds), 409, "CHECKIN_NOT_OPEN");

        Assert.Equal(departure.AddHours(-24).UtcDateTime, problem.GetProperty("opensAt").GetDateTimeOffset().UtcDateTime, TimeSpan.FromSeconds(1));
        var view = await GetCheckInAsync(flightId, traveller, traveller.PassengerIds[1]);
        Assert.Equal("NOT_STARTED", view.GetProperty("status").GetString());
        Assert.Empty(view.GetProperty("allowedActions").EnumerateArray());
    }

    [Fact]
    public async Task Check_in_after_it_closed_is_refused()
    {
        var flightId = await _api.CreateFlightAsync(DateTimeOffset.UtcNow.AddMinutes(30));
        var traveller = await _api.NewTravellerAsync(flightId);

        await ProblemAssert.IsProblemAsync(await StartAsync(flightId, traveller, traveller.PassengerIds), 409, "CHECKIN_CLOSED");
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_change_nothing()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        var stranger = await _api.NewTravellerAsync(flightId);
        var path = $"/api/flights/{flightId}/check-ins";

        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(path, new { }, traveller.Token), 400, "VALIDATION_FAILED", "passengerIds");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(path, new { passengerIds = new[] { " " } }, traveller.Token), 400, "VALIDATION_FAILED", "passengerIds[0]");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(path, new { passengerIds = new[] { traveller.PassengerId, traveller.PassengerId } }, traveller.Token), 400, "VALIDATION_FAILED", "passengerIds[1]");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(path, new { passengerIds = new[] { traveller.PassengerId, stranger.PassengerId } }, traveller.Token), 403, "FORBIDDEN", "passengerIds[1]");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(path, new { passengerIds = new[] { traveller.PassengerId } }), 401, "UNAUTHENTICATED");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync($"/api/flights/NOPE1/check-ins", new { passengerIds = new[] { traveller.PassengerId } }, traveller.Token), 404, "FLIGHT_NOT_FOUND", "flightId");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token), 409, "CHECKIN_NOT_STARTED");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/cancel"), new { reason = new string('x', 201) }, traveller.Token), 400, "VALIDATION_FAILED", "reason");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(PathOf(flightId, stranger.PassengerId, ""), traveller.Token), 403, "FORBIDDEN", "passengerId");

        var view = await GetCheckInAsync(flightId, traveller, traveller.PassengerId);
        Assert.Equal(("NOT_STARTED", 0), (view.GetProperty("status").GetString(), view.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task A_repeated_complete_with_the_same_idempotency_key_replays_the_first_answer()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        using (var start = await StartAsync(flightId, traveller, traveller.PassengerIds))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        var key = CheckInApi.NewIdempotencyKey();

        using var first = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token, key);
        using var second = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token, key);

        await CheckInApi.EnsureStatusAsync(first, 200);
        await CheckInApi.EnsureStatusAsync(second, 200);
        Assert.Equal(["true"], second.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bags_and_payments_of_another_bookings_passenger_are_forbidden()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        var stranger = await _api.NewTravellerAsync(flightId);

        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(PathOf(flightId, stranger.PassengerId, "/bags"), new { bagTag = "X1" }, traveller.Token), 403, "FORBIDDEN", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(PathOf(flightId, stranger.PassengerId, "/payment"), null, traveller.Token), 403, "FORBIDDEN", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(PathOf(flightId, stranger.PassengerId, "/boarding-pass.png"), traveller.Token), 403, "FORBIDDEN", "passengerId");
    }

    [Fact]
    public async Task A_new_payment_when_nothing_is_owed_is_refused()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        using (var start = await StartAsync(flightId, traveller, traveller.PassengerIds))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }

        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/payment"), null, traveller.Token), 409, "PAYMENT_NOT_REQUIRED");
    }

    [Fact]
    public async Task A_flight_of_another_booking_is_forbidden()
    {
        var (flightId, traveller) = await BookSoonAsync(passengers: 1);
        var (otherFlight, _) = await BookSoonAsync(passengers: 1);

        await ProblemAssert.IsProblemAsync(await StartAsync(otherFlight, traveller, traveller.PassengerIds), 403, "FORBIDDEN", "flightId");
        Assert.NotEqual(flightId, otherFlight);
    }

    private async Task<(string FlightId, Traveller Traveller)> BookSoonAsync(int passengers)
    {
        var flightId = await _api.CreateFlightAsync(DateTimeOffset.UtcNow.AddHours(6));
        return (flightId, await _api.NewTravellerAsync(flightId, passengers));
    }

    private Task<HttpResponseMessage> StartAsync(string flightId, Traveller traveller, IReadOnlyList<string> passengerIds) =>
        _api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds }, traveller.Token);

    private async Task<System.Text.Json.JsonElement> GetCheckInAsync(string flightId, Traveller traveller, string passengerId)
    {
        using var response = await _api.GetAsync(PathOf(flightId, passengerId, ""), traveller.Token);
        await CheckInApi.EnsureStatusAsync(response, 200);
        return await CheckInApi.ReadJsonAsync(response);
    }

    private static string PathOf(string flightId, string passengerId, string suffix) => $"/api/flights/{flightId}/check-ins/{passengerId}{suffix}";
}
