using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class HealthAndRoutingTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task Liveness_reports_healthy_as_text()
    {
        using var response = await _api.GetAsync("/health/live");

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_reports_the_silo_healthy_and_answers_200()
    {
        using var response = await _api.GetAsync("/health/ready");

        await CheckInApi.EnsureStatusAsync(response, 200);
        var body = await CheckInApi.ReadJsonAsync(response);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/nothing-here")]
    [InlineData("GET", "/api/flights")]
    [InlineData("POST", "/api/flights/SH101/seats/1A/board")]
    [InlineData("GET", "/no/such/page")]
    public async Task An_unknown_route_is_a_404_problem(string method, string path)
    {
        using var response = await _api.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await ProblemAssert.IsProblemAsync(response, 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_known_route_with_the_wrong_method_is_a_405_problem()
    {
        using var response = await _api.GetAsync("/api/sessions");

        Assert.Contains("POST", response.Content.Headers.Allow);
        await ProblemAssert.IsProblemAsync(response, 405, "METHOD_NOT_ALLOWED");
    }
}
