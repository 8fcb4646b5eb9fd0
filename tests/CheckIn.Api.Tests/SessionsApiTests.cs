using System.Text.Json;
using System.Text.Json.Nodes;
using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SessionsApiTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task A_matching_pnr_and_last_name_start_a_session_with_the_booking()
    {
        var flightId = await _api.CreateFlightAsync();
        var pnr = CheckInApi.NewPnr();
        using (var booking = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(pnr, "Okafor", 2, flightId)))
        {
            await CheckInApi.EnsureStatusAsync(booking, 201);
        }

        using var response = await _api.PostJsonAsync("/api/sessions", new { pnr, lastName = "Okafor" });

        await CheckInApi.EnsureStatusAsync(response, 201);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/api/sessions/current", response.Headers.Location?.OriginalString);
        var session = await CheckInApi.ReadJsonAsync(response);
        Assert.Equal(3, session.GetProperty("token").GetString()!.Split('.').Length);
        Assert.True(session.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(pnr, session.GetProperty("pnr").GetString());
        var passengers = session.GetProperty("passengers").EnumerateArray().ToList();
        Assert.Equal([$"{pnr}-1", $"{pnr}-2"], passengers.Select(p => p.GetProperty("passengerId").GetString()));
        Assert.Equal(["Pax1", "Pax2"], passengers.Select(p => p.GetProperty("firstName").GetString()));
        Assert.All(passengers, p => Assert.Equal("Okafor", p.GetProperty("lastName").GetString()));
        var flight = Assert.Single(session.GetProperty("flights").EnumerateArray());
        Assert.Equal(flightId, flight.GetProperty("flightId").GetString());
        Assert.Equal(DateTimeOffset.Parse("2030-06-01T09:30:00+00:00", System.Globalization.CultureInfo.InvariantCulture), flight.GetProperty("departure").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("okafor")]
    [InlineData("OKAFOR")]
    [InlineData("  oKaFoR  ")]
    public async Task The_last_name_is_matched_ignoring_case_and_surrounding_spaces(string typed)
    {
        var flightId = await _api.CreateFlightAsync();
        var pnr = CheckInApi.NewPnr();
        using (var booking = await _api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(pnr, "Okafor", 1, flightId)))
        {
            await CheckInApi.EnsureStatusAsync(booking, 201);
        }

        using var response = await _api.PostJsonAsync("/api/sessions", new { pnr = $" {pnr.ToLowerInvariant()} ", lastName = typed });

        await CheckInApi.EnsureStatusAsync(response, 201);
        Assert.Equal(pnr, (await CheckInApi.ReadJsonAsync(response)).GetProperty("pnr").GetString());
    }

    [Fact]
    public async Task A_wrong_pnr_and_a_wrong_name_get_the_identical_answer()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var wrongPnr = await _api.PostJsonAsync("/api/sessions", new { pnr = CheckInApi.NewPnr(), lastName = traveller.LastName });
        using var wrongName = await _api.PostJsonAsync("/api/sessions", new { pnr = traveller.Pnr, lastName = "Somebodyelse" });

        var a = await ProblemAssert.IsProblemAsync(wrongPnr, 401, "INVALID_CREDENTIALS");
        var b = await ProblemAssert.IsProblemAsync(wrongName, 401, "INVALID_CREDENTIALS");
        Assert.Equal(WithoutTraceId(a), WithoutTraceId(b));
        Assert.False(a.TryGetProperty("field", out _), "The answer must not say which of the two was wrong.");
    }

    [Theory]
    [InlineData("NOT-A-PNR")]
    [InlineData("ABC12")]
    [InlineData("ABC1234")]
    public async Task A_pnr_that_cannot_exist_is_a_validation_problem_naming_pnr(string pnr)
    {
        using var response = await _api.PostJsonAsync("/api/sessions", new { pnr, lastName = "Smith" });

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", "pnr");
    }

    [Theory]
    [InlineData("""{"lastName":"Smith"}""", "pnr")]
    [InlineData("""{"pnr":"   ","lastName":"Smith"}""", "pnr")]
    [InlineData("""{"pnr":"ABC123"}""", "lastName")]
    [InlineData("""{"pnr":"ABC123","lastName":""}""", "lastName")]
    [InlineData("{}", "pnr")]
    public async Task A_missing_pnr_or_last_name_is_a_validation_problem_naming_the_field(string body, string field)
    {
        using var response = await _api.PostRawAsync("/api/sessions", body);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Theory]
    [InlineData("""{"pnr":""", "MALFORMED_REQUEST")]
    [InlineData("""{"pnr":5,"lastName":"Smith"}""", "MALFORMED_REQUEST")]
    public async Task A_body_that_is_not_the_expected_json_is_a_400(string body, string code)
    {
        using var response = await _api.PostRawAsync("/api/sessions", body);

        await ProblemAssert.IsProblemAsync(response, 400, code, "pnr");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_unsupported_media_type()
    {
        using var response = await _api.PostRawAsync("/api/sessions", """{"pnr":"ABC123","lastName":"Smith"}""", "text/plain");

        await ProblemAssert.IsProblemAsync(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    private static string WithoutTraceId(JsonElement problem)
    {
        var node = JsonNode.Parse(problem.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }
}
