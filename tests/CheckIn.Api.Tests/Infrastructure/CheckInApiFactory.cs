using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// The real host in embedded mode (in-memory storage and reminders, localhost clustering) on a test server. Each
/// instance gets its own silo and gateway ports and cluster id, so several hosts (and other test projects on the
/// same machine) never meet.
/// </summary>
public sealed class CheckInApiFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        UseOwnSilo(builder);
        // Embedded mode even when the machine has durable-mode settings in its environment.
        builder.UseSetting("ConnectionStrings:Postgres", "");
        builder.UseSetting("ConnectionStrings:Redis", "");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        // Every functional test speaks from one client (the test server has no peer address: ip:unknown), and the
        // shared host serves hundreds of seat maps and sign-ins a minute to it: with limits on, tests would fail by
        // the order they ran in. Abuse protection has its own host with the defaults (AbuseFixture).
        builder.UseSetting("CheckIn:RateLimiting:Enabled", "false");
    }

    /// <summary>
    /// A cluster of its own: two silo ports the operating system just reported free, a fresh cluster id, and any
    /// web port (the test server does not listen anyway).
    /// </summary>
    public static void UseOwnSilo(IWebHostBuilder builder)
    {
        var clusterId = $"api-tests-{Guid.NewGuid():N}";
        builder.UseSetting("Orleans:ClusterId", clusterId);
        builder.UseSetting("Orleans:ServiceId", clusterId);
        var (siloPort, gatewayPort) = TwoFreeTcpPorts();
        builder.UseSetting("Orleans:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("urls", "http://127.0.0.1:0");
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
