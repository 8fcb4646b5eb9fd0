using CheckIn.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_good_PNR_opens_the_booking_and_the_session_survives_a_reload()
    {
        var flightId = await fixture.Data.CreateFlightAsync();
        var booking = await fixture.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        await using var context = await fixture.NewContextAsync(Viewport.Desktop);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check in online");
        await Ui.ExpectNoAxeViolationsAsync(page, "sign-in");
        await Ui.SignInAsync(page, booking);

        var status = page.GetByRole(AriaRole.Region, new() { Name = "Check-in status", Exact = true });
        await Expect(status.GetByRole(AriaRole.Listitem)).ToHaveTextAsync("Anna Keller: no seat, Not started");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Anna Keller", Exact = true })).ToBeCheckedAsync();
        await Expect(Ui.Seat(page, "3A")).ToBeVisibleAsync();
        await Ui.ExpectNoAxeViolationsAsync(page, "booking");

        await page.ReloadAsync();

        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"Booking {booking.Pnr}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("PNR", new() { Exact = true })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_wrong_last_name_shows_the_API_message_under_the_form_without_a_reload_and_focuses_it()
    {
        var flightId = await fixture.Data.CreateFlightAsync();
        var booking = await fixture.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        var expected = await fixture.Data.WrongSignInDetailAsync(booking.Pnr, "Miller");
        await using var context = await fixture.NewContextAsync(Viewport.Desktop);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        // A page reload would drop this marker.
        await page.EvaluateAsync("() => { window.__noReload = 42; }");

        await page.GetByLabel("PNR", new() { Exact = true }).FillAsync(booking.Pnr);
        await page.GetByLabel("Last name", new() { Exact = true }).FillAsync("Miller");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find booking", Exact = true }).ClickAsync();

        var error = page.Locator("#signin-error");
        await Expect(error).ToHaveAttributeAsync("role", "alert");
        await Expect(error).ToHaveTextAsync(expected);
        await Expect(error).ToBeFocusedAsync();
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.__noReload"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check in online");
        await Ui.ExpectNoAxeViolationsAsync(page, "sign-in with an error");
    }

    [Fact]
    public async Task When_the_token_expires_a_dialog_asks_to_sign_in_again_over_the_screen_which_stays_as_it_was()
    {
        var flightId = await fixture.Data.CreateFlightAsync();
        var booking = await fixture.Data.CreateBookingAsync(flightId, "Keller", "Anna", "Ben");
        await using var context = await fixture.NewContextAsync(Viewport.Desktop);
        var page = await context.NewPageAsync();
        // The page's clock runs ahead of the token's lifetime (one hour); the server's does not move.
        await page.Clock.InstallAsync();
        await Ui.SignInAsync(page, booking);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Ben Keller", Exact = true }).CheckAsync();
        await Ui.Seat(page, "5B").ClickAsync();
        await Ui.YourSeat(page).GetByRole(AriaRole.Button, new() { Name = "Confirm seat 5B", Exact = true }).ClickAsync();
        await Ui.ExpectSeatStateAsync(page, "5B", "confirmed, yours");

        await page.Clock.FastForwardAsync((long)TimeSpan.FromMinutes(61).TotalMilliseconds);

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Your session has ended", Exact = true });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("PNR", new() { Exact = true })).ToHaveValueAsync(booking.Pnr);
        await Ui.ExpectNoAxeViolationsAsync(page, "session ended");
        // Back to the server's time (which did not move), so the new token is not already past on the page's clock.
        await page.Clock.SetSystemTimeAsync(DateTime.UtcNow);
        await dialog.GetByLabel("Last name", new() { Exact = true }).FillAsync(booking.LastName);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Find booking", Exact = true }).ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Ben Keller", Exact = true })).ToBeCheckedAsync();
        await Expect(Ui.YourSeat(page)).ToContainTextAsync("Ben Keller: seat 5B confirmed");
        await Ui.ExpectSeatStateAsync(page, "5B", "confirmed, yours");
    }

    [Fact]
    public async Task Use_demo_booking_fills_in_the_demo_PNR_and_name_without_signing_in()
    {
        await using var context = await fixture.NewContextAsync(Viewport.Desktop);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        await page.GetByRole(AriaRole.Button, new() { Name = "Use demo booking", Exact = true }).ClickAsync();

        await Expect(page.GetByLabel("PNR", new() { Exact = true })).ToHaveValueAsync("ABC123");
        await Expect(page.GetByLabel("Last name", new() { Exact = true })).ToHaveValueAsync("Smith");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check in online");
    }
}
