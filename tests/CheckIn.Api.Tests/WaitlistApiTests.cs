using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using static CheckIn.Api.Tests.Infrastructure.WaitlistSteps;

namespace CheckIn.Api.Tests;

/// <summary>
/// The waitlist over HTTP. Flights have one economy row "ABC" (1A and 1C window, 1B middle), so three holds fill
/// them; an assignment happens one-way after the release that freed the seat, so tests poll for it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WaitlistApiTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task A_passenger_waiting_for_a_window_gets_the_window_seat_another_passenger_releases()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (a, b, c) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        await _api.HoldAsync(a, flightId, "1A");
        await _api.HoldAsync(c, flightId, "1C");
        await _api.HoldAsync(b, flightId, "1B");

        using var join = await _api.JoinAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });

        await CheckInApi.EnsureStatusAsync(join, 201);
        Assert.Equal(WaitlistPath(flightId, b.PassengerId), join.Headers.Location?.OriginalString);
        var waiting = await CheckInApi.ReadJsonAsync(join);
        Assert.Equal(("WAITING", 1, "ECONOMY", "WINDOW", false), (waiting.GetProperty("status").GetString(), waiting.GetProperty("placeInLine").GetInt32(),
            waiting.GetProperty("cabin").GetString(), waiting.GetProperty("position").GetString(), waiting.GetProperty("together").GetBoolean()));
        Assert.Equal([b.PassengerId], Strings(waiting.GetProperty("passengerIds")));
        Assert.Equal((flightId, b.Pnr), (waiting.GetProperty("flightId").GetString(), waiting.GetProperty("pnr").GetString()));
        Assert.Empty(waiting.GetProperty("assignedSeats").EnumerateArray());

        using (var release = await _api.SeatCommandAsync(a, flightId, "1A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }

        var assigned = await _api.WaitForEntryAsync(b, flightId, b.PassengerId, "ASSIGNED");
        Assert.Equal(["1A"], Strings(assigned.GetProperty("assignedSeats")));
        Assert.Equal(waiting.GetProperty("entryId").GetInt64(), assigned.GetProperty("entryId").GetInt64());
        Assert.False(assigned.TryGetProperty("placeInLine", out _));
        await _api.WaitForYourSeatAsync(b, flightId, b.PassengerId, "1A", "CONFIRMED");
        // B's middle seat went back: to the line first, then (nobody wants it) to anyone.
        await Eventually.Until(() => _api.GetSeatMapAsync(flightId), map => SeatStatus(map, "1B") == "AVAILABLE", "1B to be AVAILABLE again");

        using var list = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/waitlist");
        await CheckInApi.EnsureStatusAsync(list, 200);
        var entries = (await CheckInApi.ReadJsonAsync(list)).EnumerateArray().ToList();
        Assert.Equal(("ASSIGNED", "1A"), (Assert.Single(entries).GetProperty("status").GetString(), entries[0].GetProperty("assignedSeats")[0].GetString()));
    }

    [Fact]
    public async Task Joining_while_a_suitable_seat_is_free_assigns_it_at_once()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var b = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(b, flightId, "1B");

        var entry = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "window" });

        Assert.Equal("ASSIGNED", entry.GetProperty("status").GetString());
        Assert.Equal(["1A"], Strings(entry.GetProperty("assignedSeats")));
        await _api.WaitForYourSeatAsync(b, flightId, b.PassengerId, "1A", "CONFIRMED");
        // An assigned entry is over: nothing to leave, and the seat it got already suits a new request.
        await ProblemAssert.IsProblemAsync(await _api.LeaveAsync(b, flightId, b.PassengerId), 409, "WAITLIST_ENTRY_CLOSED", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" }), 409, "PREFERENCE_ALREADY_MET", "position");
    }

    [Fact]
    public async Task Joining_again_returns_the_waiting_entry_with_200_and_never_a_second_entry()
    {
        var (flightId, b) = await FullWindowsAsync();
        var first = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });

        var again = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" }, status: 200);
        var differently = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "AISLE", cabin = "ECONOMY" }, status: 200);

        Assert.Equal(first.GetProperty("entryId").GetInt64(), again.GetProperty("entryId").GetInt64());
        Assert.Equal(first.GetProperty("entryId").GetInt64(), differently.GetProperty("entryId").GetInt64());
        Assert.Equal("WINDOW", differently.GetProperty("position").GetString());
        using var list = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/waitlist");
        Assert.Single((await CheckInApi.ReadJsonAsync(list)).EnumerateArray());
    }

    [Fact]
    public async Task A_join_with_an_idempotency_key_is_replayed()
    {
        var (flightId, b) = await FullWindowsAsync();
        var key = CheckInApi.NewIdempotencyKey();

        using var first = await _api.JoinAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" }, key);
        using var second = await _api.JoinAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" }, key);

        await CheckInApi.EnsureStatusAsync(second, 201);
        Assert.Equal(["true"], second.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        // The replay restores the 201's Location too, not only its body.
        Assert.Equal(WaitlistPath(flightId, b.PassengerId), second.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Leaving_shows_LEFT_leaving_again_returns_it_and_joining_again_is_a_new_entry()
    {
        var (flightId, b) = await FullWindowsAsync();
        var joined = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });

        using var leave = await _api.LeaveAsync(b, flightId, b.PassengerId);
        await CheckInApi.EnsureStatusAsync(leave, 200);
        Assert.Equal("LEFT", (await CheckInApi.ReadJsonAsync(leave)).GetProperty("status").GetString());

        var entry = await _api.GetEntryAsync(b, flightId, b.PassengerId);
        Assert.Equal(("LEFT", 2L), (entry.GetProperty("status").GetString(), entry.GetProperty("version").GetInt64()));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("reason").GetString()));
        using var again = await _api.LeaveAsync(b, flightId, b.PassengerId);
        await CheckInApi.EnsureStatusAsync(again, 200);
        Assert.Equal("LEFT", (await CheckInApi.ReadJsonAsync(again)).GetProperty("status").GetString());

        var rejoined = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });
        Assert.True(rejoined.GetProperty("entryId").GetInt64() > joined.GetProperty("entryId").GetInt64());
    }

    [Fact]
    public async Task Passengers_of_a_booking_waiting_together_get_seats_in_one_row_at_once()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (x, y) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        var family = await _api.NewTravellerAsync(flightId, passengers: 2);
        await _api.HoldAsync(x, flightId, "1A");
        await _api.HoldAsync(y, flightId, "1C");
        var (p1, p2) = (family.PassengerIds[0], family.PassengerIds[1]);

        var waiting = await _api.JoinExpectingAsync(family, flightId, new { passengerId = p1, togetherWith = new[] { p2 } });
        Assert.Equal(("WAITING", true, "ANY"), (waiting.GetProperty("status").GetString(), waiting.GetProperty("together").GetBoolean(), waiting.GetProperty("position").GetString()));
        Assert.Equal([p1, p2], Strings(waiting.GetProperty("passengerIds")));
        // One free seat (1B) is not enough for two: the group keeps waiting, and p2's entry is the same one.
        Assert.Equal(waiting.GetProperty("entryId").GetInt64(), (await _api.GetEntryAsync(family, flightId, p2)).GetProperty("entryId").GetInt64());

        using (var release = await _api.SeatCommandAsync(x, flightId, "1A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }

        var assigned = await _api.WaitForEntryAsync(family, flightId, p1, "ASSIGNED");
        Assert.Equal(["1A", "1B"], Strings(assigned.GetProperty("assignedSeats")));
        await _api.WaitForYourSeatAsync(family, flightId, p1, "1A", "CONFIRMED");
        await _api.WaitForYourSeatAsync(family, flightId, p2, "1B", "CONFIRMED");
    }

    [Fact]
    public async Task An_admin_cannot_block_a_held_seat_and_unblocking_a_seat_gives_it_to_the_passenger_waiting()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (a, b) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        using (var block = await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1A/block", new { reason = "broken recline" }))
        {
            await CheckInApi.EnsureStatusAsync(block, 200);
            Assert.Equal("BLOCKED", (await CheckInApi.ReadJsonAsync(block)).GetProperty("status").GetString());
        }
        await _api.HoldAsync(a, flightId, "1C");
        await _api.HoldAsync(b, flightId, "1B");
        await ProblemAssert.IsProblemAsync(await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1C/block", new { }), 409, "SEAT_OCCUPIED");
        var waiting = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });
        Assert.Equal("WAITING", waiting.GetProperty("status").GetString());

        using (var unblock = await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1A/unblock", new { reason = "repaired" }))
        {
            await CheckInApi.EnsureStatusAsync(unblock, 200);
            Assert.Contains((await CheckInApi.ReadJsonAsync(unblock)).GetProperty("status").GetString(), new[] { "OFFERED", "AVAILABLE", "CONFIRMED" });
        }

        var assigned = await _api.WaitForEntryAsync(b, flightId, b.PassengerId, "ASSIGNED");
        Assert.Equal(["1A"], Strings(assigned.GetProperty("assignedSeats")));
        var trail = await Eventually.Until(SeatTrailAsync, t => t.Any(e => e.GetProperty("from").GetString() == "BLOCKED"), "the unblock in the seat audit trail");
        Assert.Contains(trail, e => e.GetProperty("to").GetString() == "BLOCKED" && e.GetProperty("actor").GetString() == "admin" && e.GetProperty("reason").GetString() == "broken recline");
        Assert.Contains(trail, e => e.GetProperty("from").GetString() == "BLOCKED" && e.GetProperty("actor").GetString() == "admin" && e.GetProperty("reason").GetString() == "repaired");

        async Task<List<System.Text.Json.JsonElement>> SeatTrailAsync()
        {
            using var events = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/events?seat=1A");
            return [.. (await CheckInApi.ReadJsonAsync(events)).EnumerateArray()];
        }
    }

    [Fact]
    public async Task Admin_waitlist_and_seat_operations_refuse_bad_requests()
    {
        var flightId = await _api.CreateTinyFlightAsync();

        await ProblemAssert.IsProblemAsync(await _api.AdminGetAsync($"/api/admin/flights/{flightId}/waitlist", adminKey: null), 401, "ADMIN_KEY_INVALID");
        await ProblemAssert.IsProblemAsync(await _api.AdminGetAsync("/api/admin/flights/NOPE1/waitlist"), 404, "FLIGHT_NOT_FOUND", "flightId");
        await ProblemAssert.IsProblemAsync(await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1A/block", new { }, adminKey: "wrong"), 401, "ADMIN_KEY_INVALID");
        await ProblemAssert.IsProblemAsync(await _api.AdminPostAsync("/api/admin/flights/NOPE1/seats/1A/block", new { }), 404, "FLIGHT_NOT_FOUND", "flightId");
        await ProblemAssert.IsProblemAsync(await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/9Z/unblock", new { }), 404, "SEAT_NOT_FOUND", "seatNumber");
        await ProblemAssert.IsProblemAsync(await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1A/block", new { reason = new string('x', 201) }), 400, "VALIDATION_FAILED", "reason");
        await ProblemAssert.IsProblemAsync(await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1A/block", new { reason = 5 }), 400, "MALFORMED_REQUEST", "reason");

        // No body at all is fine: the reason is optional. Unblocking a seat that is not blocked changes nothing.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/flights/{flightId}/seats/1B/unblock");
        request.Headers.Add("X-Admin-Key", CheckInApi.DevAdminKey);
        using var unblock = await _api.Client.SendAsync(request);
        await CheckInApi.EnsureStatusAsync(unblock, 200);
        Assert.Equal("AVAILABLE", (await CheckInApi.ReadJsonAsync(unblock)).GetProperty("status").GetString());
        using var empty = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/waitlist");
        Assert.Empty((await CheckInApi.ReadJsonAsync(empty)).EnumerateArray());
    }

    [Fact]
    public async Task A_group_too_big_for_a_row_or_already_sitting_together_is_refused()
    {
        var flightId = await _api.CreateTinyFlightAsync(rows: 2);
        var family = await _api.NewTravellerAsync(flightId, passengers: 4);
        var ids = family.PassengerIds;

        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, new { passengerId = ids[0], togetherWith = ids.Skip(1).ToArray() }), 400, "VALIDATION_FAILED", "togetherWith");

        await _api.HoldAsync(family, flightId, "2A", ids[0]);
        await _api.HoldAsync(family, flightId, "2B", ids[1]);
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, new { passengerId = ids[0], togetherWith = new[] { ids[1] } }), 409, "PREFERENCE_ALREADY_MET", "togetherWith");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(WaitlistPath(flightId, ids[0]), family.Token), 404, "WAITLIST_ENTRY_NOT_FOUND", "passengerId");
    }

    [Fact]
    public async Task Bad_join_requests_name_the_field_and_join_nobody()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var family = await _api.NewTravellerAsync(flightId, passengers: 2);
        var stranger = await _api.NewTravellerAsync(flightId);
        var (p1, p2) = (family.PassengerIds[0], family.PassengerIds[1]);

        async Task Refused(object body, int status, string code, string field) =>
            await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, body), status, code, field);

        await Refused(new { }, 400, "VALIDATION_FAILED", "passengerId");
        await Refused(new { passengerId = " " }, 400, "VALIDATION_FAILED", "passengerId");
        await Refused(new { passengerId = p1, cabin = "COACH" }, 400, "VALIDATION_FAILED", "cabin");
        await Refused(new { passengerId = p1, position = "MIDDLE" }, 400, "VALIDATION_FAILED", "position");
        await Refused(new { passengerId = p1, togetherWith = new[] { " " } }, 400, "VALIDATION_FAILED", "togetherWith[0]");
        await Refused(new { passengerId = p1, togetherWith = new[] { p2, p2 } }, 400, "VALIDATION_FAILED", "togetherWith[1]");
        await Refused(new { passengerId = p1, togetherWith = new[] { p1 } }, 400, "VALIDATION_FAILED", "togetherWith[0]");
        await Refused(new { passengerId = stranger.PassengerId }, 403, "FORBIDDEN", "passengerId");
        await Refused(new { passengerId = p1, togetherWith = new[] { p2, stranger.PassengerId } }, 403, "FORBIDDEN", "togetherWith[1]");
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(WaitlistPath(flightId), new { passengerId = p1 }), 401, "UNAUTHENTICATED");
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, "NOPE1", new { passengerId = p1 }), 404, "FLIGHT_NOT_FOUND", "flightId");
        await ProblemAssert.IsProblemAsync(await _api.PostRawAsync(WaitlistPath(flightId), "{\"passengerId\":", token: family.Token), 400, "MALFORMED_REQUEST");

        await ProblemAssert.IsProblemAsync(await _api.GetAsync(WaitlistPath(flightId, p1), family.Token), 404, "WAITLIST_ENTRY_NOT_FOUND", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.LeaveAsync(family, flightId, p1), 404, "WAITLIST_ENTRY_NOT_FOUND", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(WaitlistPath(flightId, stranger.PassengerId), family.Token), 403, "FORBIDDEN", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.LeaveAsync(family, flightId, stranger.PassengerId), 403, "FORBIDDEN", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(WaitlistPath("NOPE1", p1), family.Token), 404, "FLIGHT_NOT_FOUND", "flightId");
    }

    [Fact]
    public async Task Passengers_who_are_not_eligible_get_a_clear_code()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var otherFlight = await _api.CreateTinyFlightAsync();
        var family = await _api.NewTravellerAsync(flightId, passengers: 2);
        var (p1, p2) = (family.PassengerIds[0], family.PassengerIds[1]);

        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, otherFlight, new { passengerId = p1 }), 403, "NOT_ON_FLIGHT", "passengerId");
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, new { passengerId = p1, cabin = "BUSINESS" }), 409, "CABIN_NOT_BOOKED", "cabin");

        await _api.HoldAsync(family, flightId, "1B", p1);
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, new { passengerId = p1 }), 409, "PREFERENCE_ALREADY_MET", "position");

        // p2 checks in and gets the first free window seat: checked in on a seat that suits WINDOW, nothing to wait for.
        await CheckInAsync(family, flightId, p2);
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, new { passengerId = p2, position = "WINDOW" }), 409, "PREFERENCE_ALREADY_MET", "position");
    }

    [Fact]
    public async Task A_checked_in_passenger_waiting_for_a_window_is_moved_and_gets_a_new_boarding_pass()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (x, y) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        await _api.HoldAsync(x, flightId, "1A");
        await _api.HoldAsync(y, flightId, "1C");
        var traveller = await _api.NewTravellerAsync(flightId);
        var before = await CheckInAsync(traveller, flightId, traveller.PassengerId);
        Assert.Equal("1B", before.GetProperty("seatNumber").GetString());

        var waiting = await _api.JoinExpectingAsync(traveller, flightId, new { passengerId = traveller.PassengerId, position = "WINDOW" });
        Assert.Equal("WAITING", waiting.GetProperty("status").GetString());
        using (var release = await _api.SeatCommandAsync(x, flightId, "1A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }

        Assert.Equal(["1A"], Strings((await _api.WaitForEntryAsync(traveller, flightId, traveller.PassengerId, "ASSIGNED")).GetProperty("assignedSeats")));
        using var checkIn = await _api.GetAsync($"/api/flights/{flightId}/check-ins/{traveller.PassengerId}", traveller.Token);
        var after = await CheckInApi.ReadJsonAsync(checkIn);
        Assert.Equal(("COMPLETED", "1A"), (after.GetProperty("status").GetString(), after.GetProperty("seatNumber").GetString()));
        var pass = after.GetProperty("boardingPass");
        Assert.Equal("1A", pass.GetProperty("seatNumber").GetString());
        Assert.Equal(before.GetProperty("boardingPass").GetProperty("sequenceNumber").GetInt32(), pass.GetProperty("sequenceNumber").GetInt32());
        Assert.NotEqual(before.GetProperty("boardingPass").GetProperty("bcbp").GetString(), pass.GetProperty("bcbp").GetString());
        using var trail = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/check-in-events?passengerId={traveller.PassengerId}");
        Assert.Equal(["START", "COMPLETE", "SEAT_CHANGED"], (await CheckInApi.ReadJsonAsync(trail)).EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        // The check-in lock moved with the passenger: their own seat commands still answer CHECKIN_COMPLETED.
        await ProblemAssert.IsProblemAsync(await _api.SeatCommandAsync(traveller, flightId, "1A", "release"), 409, "CHECKIN_COMPLETED");
    }

    private async Task<JsonElement> CheckInAsync(Traveller traveller, string flightId, string passengerId)
    {
        using (var start = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = new[] { passengerId } }, traveller.Token))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        using var complete = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins/{passengerId}/complete", null, traveller.Token);
        await CheckInApi.EnsureStatusAsync(complete, 200);
        return await CheckInApi.ReadJsonAsync(complete);
    }

    [Fact]
    public async Task A_passenger_already_waiting_alone_cannot_wait_in_a_group_too()
    {
        var (flightId, family) = await FullWindowsAsync(passengers: 2);
        var (p1, p2) = (family.PassengerIds[0], family.PassengerIds[1]);
        await _api.JoinExpectingAsync(family, flightId, new { passengerId = p1, position = "WINDOW" });

        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(family, flightId, new { passengerId = p2, togetherWith = new[] { p1 } }), 409, "ALREADY_WAITLISTED", "togetherWith[0]");
    }

    [Fact]
    public async Task A_group_asks_for_the_cabin_every_member_booked()
    {
        var flightId = await _api.CreateFlightAsync(DateTimeOffset.UtcNow.AddHours(6));
        var pnr = CheckInApi.NewPnr();
        using (var booking = await _api.AdminPostAsync("/api/admin/bookings", new
        {
            pnr,
            passengers = new[] { new { firstName = "Ann", lastName = "Mixed", cabin = "ECONOMY" }, new { firstName = "Bob", lastName = "Mixed", cabin = "BUSINESS" } },
            flights = new[] { flightId },
        }))
        {
            await CheckInApi.EnsureStatusAsync(booking, 201);
        }
        using var session = await _api.PostJsonAsync("/api/sessions", new { pnr, lastName = "Mixed" });
        await CheckInApi.EnsureStatusAsync(session, 201);
        var token = (await CheckInApi.ReadJsonAsync(session)).GetProperty("token").GetString()!;
        var mixed = new Traveller(pnr, "Mixed", [$"{pnr}-1", $"{pnr}-2"], token);

        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(mixed, flightId, new { passengerId = mixed.PassengerIds[0], togetherWith = new[] { mixed.PassengerIds[1] } }), 409, "CABIN_NOT_BOOKED", "togetherWith[0]");
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(mixed, flightId, new { passengerId = mixed.PassengerIds[0], cabin = "BUSINESS", togetherWith = new[] { mixed.PassengerIds[1] } }), 409, "CABIN_NOT_BOOKED", "cabin");
    }

    [Fact]
    public async Task The_waitlist_follows_the_check_in_window()
    {
        var closing = await _api.CreateTinyFlightAsync(departure: DateTimeOffset.UtcNow.AddMinutes(30));
        var late = await _api.NewTravellerAsync(closing);
        var opening = await _api.CreateTinyFlightAsync(departure: DateTimeOffset.UtcNow.AddDays(3));
        var early = await _api.NewTravellerAsync(opening);

        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(late, closing, new { passengerId = late.PassengerId }), 409, "CHECKIN_CLOSED");
        await ProblemAssert.IsProblemAsync(await _api.JoinAsync(early, opening, new { passengerId = early.PassengerId }), 409, "CHECKIN_NOT_OPEN");
    }

    /// <summary>A tiny flight whose window seats are held by others, and a traveller holding the middle seat 1B.</summary>
    private async Task<(string FlightId, Traveller Traveller)> FullWindowsAsync(int passengers = 1)
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (x, y) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        var traveller = await _api.NewTravellerAsync(flightId, passengers);
        await _api.HoldAsync(x, flightId, "1A");
        await _api.HoldAsync(y, flightId, "1C");
        await _api.HoldAsync(traveller, flightId, "1B");
        return (flightId, traveller);
    }
}
