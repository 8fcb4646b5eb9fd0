using System.Net;
using System.Net.Sockets;

namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>
/// Ports nobody listens on right now, from the operating system (bind to port 0). Other test projects run at the
/// same time with their own silos, so host processes never use fixed ports. Ports handed out once are not handed out
/// again by this process, so two hosts of one test never collide with each other.
/// </summary>
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
