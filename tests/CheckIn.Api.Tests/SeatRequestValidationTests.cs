using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

/// <summary>Whatever a client sends as the body of a seat command, the answer is a 4xx problem, never a 500.</summary>
[Collection(ApiCollection.Name)]
public sealed class SeatRequestValidationTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData("""{"passengerId":""", "MALFORMED_REQUEST", "passengerId")]
    [InlineData("""{"passengerId":5}""", "MALFORMED_REQUEST", "passengerId")]
    [InlineData("""{"passengerId":["a"]}""", "MALFORMED_REQUEST", "passengerId")]
    [InlineData("[]", "MALFORMED_REQUEST", "body")]
    [InlineData("not json", "MALFORMED_REQUEST", "body")]
    [InlineData("{}", "VALIDATION_FAILED", "passengerId")]
    [InlineData("""{"passengerId":"   "}""", "VALIDATION_FAILED", "passengerId")]
    [InlineData("null", "VALIDATION_FAILED", "passengerId")]
    [InlineData("", "VALIDATION_FAILED", "passengerId")]
    public async Task A_bad_body_is_a_400_naming_the_field(string body, string code, string field)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.PostRawAsync($"/api/flights/{flightId}/seats/3A/hold", body, token: traveller.Token);

        await ProblemAssert.IsProblemAsync(response, 400, code, field);
    }

    [Theory]
    [InlineData("""{"passengerId":5}""", "wrong type or format")]
    [InlineData("[]", "wrong type or format")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"passengerId":""", "not valid JSON")]
    public async Task The_detail_tells_a_wrong_type_from_text_that_is_not_json(string body, string expected)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.PostRawAsync($"/api/flights/{flightId}/seats/3A/hold", body, token: traveller.Token);

        var problem = await ProblemAssert.IsProblemAsync(response, 400, "MALFORMED_REQUEST");
        var detail = problem.GetProperty("detail").GetString();
        Assert.True(detail?.Contains(expected, StringComparison.Ordinal) == true, $"detail '{detail}' should say '{expected}'");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_is_a_415_unsupported_media_type(string contentType)
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var response = await _api.PostRawAsync($"/api/flights/{flightId}/seats/3A/hold", $$"""{"passengerId":"{{traveller.PassengerId}}"}""", contentType, traveller.Token);

        await ProblemAssert.IsProblemAsync(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
}
