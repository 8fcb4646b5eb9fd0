using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CheckIn.Host.Hosting;

/// <summary>
/// Refuses a silo, gateway or HTTP port that another process already listens on, before anything starts. .NET on
/// Linux binds Orleans's listeners with SO_REUSEPORT, so without this check a second host on the same silo port
/// starts and the two share (or fight over) the address. Kestrel refuses a taken HTTP port by itself, but only
/// after the silo has started, with a stack trace: checking first gives the same one line for every port.
/// </summary>
internal static class PortCheck
{
    // Linux's SOL_SOCKET / SO_REUSEADDR. .NET's ReuseAddress option would add SO_REUSEPORT, which lets the probe
    // share the port with a listener; plain SO_REUSEADDR only lets it past connections still in TIME_WAIT (a host
    // restarted on its own ports) and still refuses a port someone listens on.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Throws <see cref="StartupFailureException"/> naming the setting when a port is taken.</summary>
    public static void EnsureFree(IConfiguration configuration, IServer server, IEnumerable<string> urls)
    {
        var orleans = configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        // The address SiloSetup has the silo listen on.
        var address = string.IsNullOrWhiteSpace(orleans.AdvertisedHost) ? IPAddress.Loopback : IPAddress.Any;
        Probe(address, orleans.SiloPort, "Orleans:SiloPort (Orleans__SiloPort)");
        Probe(address, orleans.GatewayPort, "Orleans:GatewayPort (Orleans__GatewayPort)");

        // Only a real Kestrel binds; a test server (WebApplicationFactory) listens on nothing.
        if (server.GetType().Assembly != typeof(KestrelServerOptions).Assembly)
        {
            return;
        }
        foreach (var url in urls)
        {
            if (Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                && HttpAddress(uri.Host) is { } http)
            {
                Probe(http, uri.Port, $"urls (ASPNETCORE_URLS) {url}");
            }
        }
    }

    // Host names other than localhost are Kestrel's to resolve; it refuses those by itself.
    private static IPAddress? HttpAddress(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? ip
        : null;

    private static void Probe(IPAddress address, int port, string setting)
    {
        if (port == 0)
        {
            return;
        }
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        else
        {
            socket.ExclusiveAddressUse = true;
        }
        try
        {
            socket.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new StartupFailureException($"{setting}: port {port} on {address} is already in use by another process; choose a free port.");
        }
    }
}
