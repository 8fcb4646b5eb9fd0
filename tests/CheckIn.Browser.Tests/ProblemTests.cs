using System.Text.RegularExpressions;
using CheckIn.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests;

/// <summary>Problems the passenger sees as sentences: a 429 and a Weight service outage, each with its wait.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProblemTests(BrowserFixture fixture, RateLimitedHost limited, ShortHoldHost other) : IClassFixture<RateLimitedHost>, IClassFixture<ShortHoldHost>
{
    [Fact]
    public async Task Too_many_sign_in_attempts_say_when_to_try_again_never_the_status_code()
    {
        await using var context = await fixture.NewContextAsync(Viewport.Desktop, limited.Host);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        var error = page.Locator("#signin-error");

        // Wrong pairs until the host's limit answers 429 with Retry-After.
        for (var attempt = 1; attempt <= RateLimitedHost.SessionsPerMinute + 1; attempt++)
        {
            await page.GetByLabel("PNR", new() { Exact = true }).FillAsync("ZZZ999");
            await page.GetByLabel("Last name", new() { Exact = true }).FillAsync($"Nobody{attempt}");
            var answer = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Find booking", Exact = true }).ClickAsync(),
                r => r.Url.EndsWith("/api/sessions", StringComparison.Ordinal));
            await Expect(error).ToBeVisibleAsync();
            if (attempt <= RateLimitedHost.SessionsPerMinute)
            {
                Assert.NotEqual(429, answer.Status);
            }
            else
            {
                Assert.Equal(429, answer.Status);
            }
        }

        await Expect(error).ToHaveTextAsync(new Regex(@"Try again in \d+ s\.$"));
        await Expect(error).Not.ToContainTextAsync("429");
        await Expect(error).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_Weight_service_outage_shows_scale_unavailable_with_the_wait_from_Retry_After()
    {
        var flightId = await other.Data.CreateFlightAsync();
        var booking = await other.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        await using var context = await fixture.NewContextAsync(Viewport.Desktop, other.Host);
        var page = await context.NewPageAsync();
        await Ui.SignInAsync(page, booking);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start check-in", Exact = true }).ClickAsync();
        await page.GetByLabel("Bag tag", new() { Exact = true }).FillAsync("SCALE1");
        await other.Data.SetWeightServiceFailingAsync(true);
        try
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Add bag", Exact = true }).ClickAsync();

            var toast = Ui.Toasts(page).GetByRole(AriaRole.Alert);
            await Expect(toast).ToContainTextAsync(new Regex(@"^Scale unavailable, try again in \d+ s\."));
            await Expect(toast).Not.ToContainTextAsync("503");
            await Ui.ExpectNoAxeViolationsAsync(page, "check-in with an error toast");
        }
        finally
        {
            await other.Data.SetWeightServiceFailingAsync(false);
        }
    }
}
