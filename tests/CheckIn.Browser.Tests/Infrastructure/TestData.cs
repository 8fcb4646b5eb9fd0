using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>A passenger of a test booking.</summary>
public sealed record TestPassenger(string PassengerId, string FirstName, string LastName)
{
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>A booking made for one test: its PNR, the last name to sign in with, its passengers.</summary>
public sealed record TestBooking(string FlightId, string Pnr, string LastName, IReadOnlyList<TestPassenger> Passengers);

/// <summary>
/// Sets up what a test needs through the admin API and the simulators (never through the UI under test): a flight
/// of its own, bookings on it, a bag's weight, a seat taken by someone else.
/// </summary>
public sealed class TestData(Uri baseAddress)
{
    public const string AdminKey = "dev-admin-key";

    private static int _next = Random.Shared.Next(100, 900);

    public HttpClient Http { get; } = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// A small cabin like the demo's: Business rows 1-2 (A C | D F), Economy rows 3-9 (A B C | D E F), exit row 6 (extra legroom too, as the server gives exit rows),
    /// extra legroom row 3, 9A blocked; or, with <paramref name="economySeats"/>, one Economy row of that many seats.
    /// </summary>
    public async Task<string> CreateFlightAsync(string? economySeats = null)
    {
        var flightId = $"BT{Interlocked.Increment(ref _next)}";
        var layout = economySeats is null
            ? new JsonObject
            {
                ["cabins"] = new JsonArray(
                    new JsonObject { ["cabin"] = "BUSINESS", ["firstRow"] = 1, ["lastRow"] = 2, ["columns"] = "AC_DF" },
                    new JsonObject { ["cabin"] = "ECONOMY", ["firstRow"] = 3, ["lastRow"] = 9, ["columns"] = "ABC_DEF" }),
                ["exitRows"] = new JsonArray(6),
                ["extraLegroomRows"] = new JsonArray(3),
                ["blockedSeats"] = new JsonArray("9A"),
            }
            : new JsonObject
            {
                ["cabins"] = new JsonArray(new JsonObject { ["cabin"] = "ECONOMY", ["firstRow"] = 1, ["lastRow"] = 1, ["columns"] = economySeats }),
            };
        var now = DateTimeOffset.UtcNow;
        var departure = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(6);
        await SendAsync(HttpMethod.Post, "/api/admin/flights", new JsonObject
        {
            ["flightId"] = flightId,
            ["origin"] = "LHR",
            ["destination"] = "CDG",
            ["departure"] = departure.ToString("O"),
            ["layout"] = layout,
        }, admin: true);
        return flightId;
    }

    /// <summary>A booking on <paramref name="flightId"/> with passengers named "{first} {lastName}".</summary>
    public async Task<TestBooking> CreateBookingAsync(string flightId, string lastName, params string[] firstNames)
    {
        var pnr = NewPnr();
        var passengers = new JsonArray([.. firstNames.Select(f => (JsonNode)new JsonObject { ["firstName"] = f, ["lastName"] = lastName })]);
        var created = await SendAsync(HttpMethod.Post, "/api/admin/bookings",
            new JsonObject { ["pnr"] = pnr, ["passengers"] = passengers, ["flights"] = new JsonArray(flightId) }, admin: true);
        var list = created.GetProperty("passengers").EnumerateArray()
            .Select(p => new TestPassenger(p.GetProperty("passengerId").GetString()!, p.GetProperty("firstName").GetString()!, p.GetProperty("lastName").GetString()!))
            .ToList();
        return new TestBooking(flightId, pnr, lastName, list);
    }

    /// <summary>A session token for <paramref name="booking"/>, for changes made "by someone else" through the API.</summary>
    public async Task<string> SignInAsync(TestBooking booking)
    {
        var session = await SendAsync(HttpMethod.Post, "/api/sessions", new JsonObject { ["pnr"] = booking.Pnr, ["lastName"] = booking.LastName });
        return session.GetProperty("token").GetString()!;
    }

    /// <summary>Holds <paramref name="seat"/> for the booking's first passenger through the API.</summary>
    public Task<JsonElement> HoldAsync(TestBooking booking, string token, string seat) =>
        SendAsync(HttpMethod.Post, $"/api/flights/{booking.FlightId}/seats/{seat}/hold",
            new JsonObject { ["passengerId"] = booking.Passengers[0].PassengerId }, token: token);

    /// <summary>The API's answer to a sign-in with a wrong last name: what the page must show.</summary>
    public async Task<string> WrongSignInDetailAsync(string pnr, string lastName)
    {
        using var response = await Http.PostAsJsonAsync("/api/sessions", new { pnr, lastName });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(response.IsSuccessStatusCode, $"signing in as {pnr}/{lastName} was expected to fail");
        return problem.GetProperty("detail").GetString()!;
    }

    /// <summary>Fixes the in-process Weight service's answer for a bag tag.</summary>
    public Task SetBagWeightAsync(string bagTag, decimal kg) =>
        SendAsync(HttpMethod.Put, $"/sim/weight/api/bags/{bagTag}/weight", new JsonObject { ["weightKg"] = kg });

    /// <summary>Makes the in-process Weight service answer every weighing with 503 (or stop doing so).</summary>
    public async Task SetWeightServiceFailingAsync(bool failing)
    {
        if (failing)
        {
            await SendAsync(HttpMethod.Put, "/sim/weight/api/faults", new JsonObject { ["failureRate"] = 1.0, ["failureStatusCode"] = 503 });
        }
        else
        {
            await SendAsync(HttpMethod.Delete, "/sim/weight/api/faults", null);
        }
    }

    /// <summary>The seat's status on the server (GET seatmap).</summary>
    public async Task<string> SeatStatusAsync(string flightId, string seat)
    {
        var map = await SendAsync(HttpMethod.Get, $"/api/flights/{flightId}/seatmap", null);
        return map.GetProperty("seats").EnumerateArray().First(s => s.GetProperty("seatNumber").GetString() == seat).GetProperty("status").GetString()!;
    }

    private static string NewPnr()
    {
        const string letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        return string.Concat(Enumerable.Range(0, 6).Select(i => i < 2 ? 'T' : letters[Random.Shared.Next(letters.Length)]));
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonObject? body, bool admin = false, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (admin)
        {
            request.Headers.Add("X-Admin-Key", AdminKey);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
