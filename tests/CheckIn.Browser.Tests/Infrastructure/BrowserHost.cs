using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// The real host in embedded mode on a real loopback socket (Kestrel on a free port), so a browser can load the UI
/// and open its event streams. Each instance has its own silo ports and cluster id. Rate limiting is off (every
/// test speaks from 127.0.0.1) unless <paramref name="settings"/> (applied last) turn it on; they also shorten seat
/// holds for the expiry test.
/// </summary>
public sealed class BrowserHost(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>Lets a test cut the open seat-map streams from the server side.</summary>
    public StreamCutter Streams { get; } = new();

    /// <summary>http://127.0.0.1:{port}, set once <see cref="Start"/> returned.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts the host on a free port and returns its address.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        var address = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
        // Kestrel may report the bound address as [::] or localhost; the browser goes to 127.0.0.1 (the only host
        // its resolver rules let through).
        BaseAddress = new Uri($"http://127.0.0.1:{new Uri(address).Port}");
        return BaseAddress;
    }

    /// <summary>The folder the host serves the UI from.</summary>
    public string WebRoot => Services.GetRequiredService<IWebHostEnvironment>().WebRootPath ?? "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        var clusterId = $"browser-tests-{Guid.NewGuid():N}";
        builder.UseSetting("Orleans:ClusterId", clusterId);
        builder.UseSetting("Orleans:ServiceId", clusterId);
        var (siloPort, gatewayPort) = TwoFreeTcpPorts();
        builder.UseSetting("Orleans:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("urls", "http://127.0.0.1:0");
        // Embedded mode even when the machine has durable-mode settings in its environment.
        builder.UseSetting("ConnectionStrings:Postgres", "");
        builder.UseSetting("ConnectionStrings:Redis", "");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        builder.UseSetting("CheckIn:RateLimiting:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Streams));
    }

    private static (int First, int Second) TwoFreeTcpPorts()
    {
        // Both listeners open at once, so the two ports differ.
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }
}
