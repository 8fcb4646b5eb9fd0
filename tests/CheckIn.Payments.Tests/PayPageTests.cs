using System.Net;
using System.Net.Http.Json;
using CheckIn.Payments.Tests.Support;

namespace CheckIn.Payments.Tests;

public sealed class PayPageTests
{
    [Fact]
    public async Task The_page_shows_the_payment_encoded_with_two_buttons()
    {
        await using var sim = await Simulator.StartAsync();
        var id = await CreateAsync(sim, "<script>alert(1)</script> & bag");

        using var response = await sim.Client.GetAsync($"/pay/{id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("50.00 EUR", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; bag", html, StringComparison.Ordinal);
        Assert.Contains("Awaiting payment", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/pay/{id}/pay\"", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/pay/{id}/fail\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pay", "SUCCEEDED", "Paid")]
    [InlineData("fail", "FAILED", "Declined")]
    public async Task A_button_finalizes_the_intent_and_returns_to_the_page(string button, string status, string shown)
    {
        await using var sim = await Simulator.StartAsync();
        var id = await CreateAsync(sim, "Overweight bag");

        using var response = await sim.Client.PostAsync($"/pay/{id}/{button}", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"/pay/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(status, (string?)(await Http.GetJsonAsync(sim.Client, $"/api/intents/{id}"))["status"]);
        Assert.Single(await sim.EventsAsync());
        var html = await sim.Client.GetStringAsync($"/pay/{id}");
        Assert.Contains(shown, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_button_press_changes_nothing()
    {
        await using var sim = await Simulator.StartAsync();
        var id = await CreateAsync(sim, "Overweight bag");
        using (await sim.Client.PostAsync($"/pay/{id}/pay", new FormUrlEncodedContent([]))) { }

        using var response = await sim.Client.PostAsync($"/pay/{id}/fail", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("SUCCEEDED", (string?)(await Http.GetJsonAsync(sim.Client, $"/api/intents/{id}"))["status"]);
        Assert.Single(await sim.EventsAsync());
    }

    [Theory]
    [InlineData("GET", "/pay/pi_missing")]
    [InlineData("POST", "/pay/pi_missing/pay")]
    [InlineData("POST", "/pay/pi_missing/fail")]
    public async Task An_unknown_payment_is_a_404_page(string method, string path)
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray());
    }

    private static async Task<string> CreateAsync(Simulator sim, string description)
    {
        using var response = await sim.Client.PostAsJsonAsync("/api/intents",
            new { amount = 50m, currency = "EUR", reference = "SH101/ABC123-1", description });
        return (string)(await Http.ReadJsonAsync(response))["id"]!;
    }
}
