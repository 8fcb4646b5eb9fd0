using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// The page as a passenger (and a screen reader) sees it: every locator goes by role and accessible name, the exact
/// strings of design13.md, never by CSS class.
/// </summary>
public static class Ui
{
    /// <summary>Signs in through the form and waits for the booking screen.</summary>
    public static async Task SignInAsync(IPage page, TestBooking booking)
    {
        if (!page.Url.StartsWith("http", StringComparison.Ordinal))
        {
            await page.GotoAsync("/");
        }
        await page.GetByLabel("PNR", new() { Exact = true }).FillAsync(booking.Pnr);
        await page.GetByLabel("Last name", new() { Exact = true }).FillAsync(booking.LastName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find booking", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"Booking {booking.Pnr}");
    }

    /// <summary>The seat map grid.</summary>
    public static ILocator Grid(IPage page) => page.GetByRole(AriaRole.Grid);

    /// <summary>The button of <paramref name="seat"/> in the grid (its accessible name starts with "12A,").</summary>
    public static ILocator Seat(IPage page, string seat) =>
        Grid(page).GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^{Regex.Escape(seat)},") });

    /// <summary>Waits until the seat's accessible name is "{seat}, {features and state}" ("12A, window, held, yours").</summary>
    public static Task ExpectSeatAsync(IPage page, string seat, string featuresAndState) =>
        Expect(Seat(page, seat)).ToHaveAccessibleNameAsync($"{seat}, {featuresAndState}");

    /// <summary>Waits until the seat's accessible name ends with its state, whatever its features ("1A, window, available").</summary>
    public static Task ExpectSeatStateAsync(IPage page, string seat, string state) =>
        Expect(Seat(page, seat)).ToHaveAccessibleNameAsync(new Regex($"^{Regex.Escape(seat)}, (.+, )?{Regex.Escape(state)}$"));

    /// <summary>The "Your seat" section.</summary>
    public static ILocator YourSeat(IPage page) => page.GetByRole(AriaRole.Region, new() { Name = "Your seat", Exact = true });

    /// <summary>The live indicator of the seat map ("Live" / "Reconnecting…").</summary>
    public static ILocator LiveIndicator(IPage page) =>
        page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("^(Live|Reconnecting…)$") });

    /// <summary>The toasts region.</summary>
    public static ILocator Toasts(IPage page) => page.GetByRole(AriaRole.Region, new() { Name = "Messages", Exact = true });

    /// <summary>Runs axe on the whole page and fails listing every violation (rule, impact, the elements).</summary>
    public static async Task ExpectNoAxeViolationsAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        var violations = result.Violations ?? [];
        if (violations.Length > 0)
        {
            var text = string.Join("\n", violations.Select(v =>
                $"- {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", (v.Nodes ?? []).Take(5).Select(n => n.Html))));
            Assert.Fail($"axe found {violations.Length} violation(s) on the {screen} screen:\n{text}");
        }
        Assert.NotEmpty(result.Passes ?? []);
    }
}
