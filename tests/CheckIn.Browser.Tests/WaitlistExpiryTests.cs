using System.Diagnostics;
using CheckIn.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class WaitlistExpiryTests(BrowserFixture fixture, ShortHoldHost shortHold, ITestOutputHelper log) : IClassFixture<ShortHoldHost>
{
    [Fact]
    public async Task An_expired_hold_frees_the_seat_on_screen_and_goes_to_the_waitlisted_passenger_who_is_told()
    {
        // One seat on the whole flight: Anna holds it, so Omar can only wait for it.
        var flightId = await shortHold.Data.CreateFlightAsync(economySeats: "A");
        var anna = await shortHold.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        var omar = await shortHold.Data.CreateBookingAsync(flightId, "Haddad", "Omar");
        await using var annaContext = await fixture.NewContextAsync(Viewport.Desktop, shortHold.Host);
        await using var omarContext = await fixture.NewContextAsync(Viewport.Desktop, shortHold.Host);
        var annaPage = await annaContext.NewPageAsync();
        // Anna's page runs on a clock the test moves; the server's hold runs out in real time.
        await annaPage.Clock.InstallAsync();
        var omarPage = await omarContext.NewPageAsync();
        await Ui.SignInAsync(annaPage, anna);
        await Ui.SignInAsync(omarPage, omar);

        await Ui.Seat(annaPage, "1A").ClickAsync();
        var held = Stopwatch.StartNew();
        await Ui.ExpectSeatStateAsync(annaPage, "1A", "held, yours");
        await Expect(Ui.YourSeat(annaPage).GetByRole(AriaRole.Timer)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Hold expires in 0:[0-5]\d$"));
        await Ui.ExpectSeatStateAsync(omarPage, "1A", "held");

        var waitlistScope = omarPage.GetByRole(AriaRole.Region, new() { Name = "Waitlist", Exact = true });
        await Expect(waitlistScope.GetByRole(AriaRole.Combobox, new() { Name = "Cabin", Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("(?i)economy"));
        await waitlistScope.GetByRole(AriaRole.Combobox, new() { Name = "Seat position", Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Any" });
        await waitlistScope.GetByRole(AriaRole.Button, new() { Name = "Join waitlist", Exact = true }).ClickAsync();
        await Expect(waitlistScope).ToContainTextAsync("Place in line: 1");
        await Expect(waitlistScope.GetByRole(AriaRole.Button, new() { Name = "Leave waitlist", Exact = true })).ToBeVisibleAsync();

        // Past the hold on Anna's page only: it frees the seat by its own countdown, before the server does.
        await annaPage.Clock.FastForwardAsync((long)(ShortHoldHost.HoldDuration + TimeSpan.FromSeconds(1)).TotalMilliseconds);
        await Ui.ExpectSeatStateAsync(annaPage, "1A", "available");
        await Expect(Ui.Toasts(annaPage)).ToContainTextAsync("Your hold on 1A expired.");
        Assert.True(held.Elapsed < ShortHoldHost.HoldDuration, $"the test took {held.Elapsed} to get here: the server may have expired the hold already");
        Assert.Equal("HELD", await shortHold.Data.SeatStatusAsync(flightId, "1A"));

        // The server's hold runs out; the waitlist gives the seat to Omar, whose page is told at once.
        await Expect(Ui.Toasts(omarPage)).ToContainTextAsync("Seat 1A assigned to Omar Haddad.", new() { Timeout = 45_000 });
        log.WriteLine($"Seat assigned to the waitlisted passenger {held.Elapsed.TotalSeconds:F1} s after the hold (hold duration {ShortHoldHost.HoldDuration.TotalSeconds} s)");
        await Expect(waitlistScope).ToContainTextAsync("Seat 1A assigned");
        await Ui.ExpectSeatStateAsync(omarPage, "1A", "yours");
        await Ui.ExpectNoAxeViolationsAsync(omarPage, "waitlist with a seat assigned");
        await Ui.ExpectNoAxeViolationsAsync(annaPage, "seat map after a hold expired");
    }
}
