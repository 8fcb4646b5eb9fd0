using System.Net;
using System.Net.Sockets;

namespace CheckIn.TestSupport.Hosts;

/// <summary>
/// Ports nobody listens on right now, picked below Linux's ephemeral range (32768-60999): a port the operating system
/// hands out for port 0 is also what it gives the next outgoing connection (to PostgreSQL, Redis, another silo), so
/// a host restarted on "its" port would find it taken and refuse to start. Other test projects run at the same time
/// with their own silos, so host processes never use fixed ports. Ports handed out once are not handed out again by
/// this process, so two hosts of one test never collide with each other.
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(First, Last);
                if (HandedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }
                HandedOut.Add(port);
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
