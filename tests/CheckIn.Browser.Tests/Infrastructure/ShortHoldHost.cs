namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// A second host whose seat holds last <see cref="HoldDuration"/> instead of two minutes, for the expiry test (the
/// server's hold must run out in real time; the page's own countdown is driven by its clock). Its in-process Weight
/// service is its own too, so a test may make it fail without touching the shared host.
/// </summary>
public sealed class ShortHoldHost : IAsyncLifetime
{
    public static readonly TimeSpan HoldDuration = TimeSpan.FromSeconds(30);

    public BrowserHost Host { get; } = new(new Dictionary<string, string>
    {
        ["CheckIn:HoldDuration"] = HoldDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    });

    public TestData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var address = await Task.Run(Host.Start);
        UiBuild.EnsureServed(Host);
        Data = new TestData(address);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
