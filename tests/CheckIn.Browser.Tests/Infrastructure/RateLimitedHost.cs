namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// A host of its own with abuse protection ON and <see cref="SessionsPerMinute"/> sign-in attempts a minute per
/// client, for the test that needs a real 429 (every browser speaks from 127.0.0.1, so the shared host has it off).
/// </summary>
public sealed class RateLimitedHost : IAsyncLifetime
{
    public const int SessionsPerMinute = 2;

    public BrowserHost Host { get; } = new(new Dictionary<string, string>
    {
        ["CheckIn:RateLimiting:Enabled"] = "true",
        ["CheckIn:RateLimiting:SessionsPerMinute"] = SessionsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task InitializeAsync()
    {
        await Task.Run(Host.Start);
        UiBuild.EnsureServed(Host);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
