namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>The browser tests need the built UI in the host's web root; without it they fail saying how to build it.</summary>
public static class UiBuild
{
    public static void EnsureServed(BrowserHost host)
    {
        var index = Path.Combine(host.WebRoot, "index.html");
        if (!File.Exists(index))
        {
            throw new InvalidOperationException(
                $"The passenger UI is not built ({index} is missing): install Node.js 20.19 or later and build the host " +
                "(`dotnet build`), or run `npm ci && npm run build` in src/CheckIn.Web.");
        }
    }
}
