using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class HealthAndRoutingTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_report_healthy(string path)
    {
        using var response = await _api.GetAsync(path);

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
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
