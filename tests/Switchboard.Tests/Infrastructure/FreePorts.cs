using System.Net;
using System.Net.Sockets;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// Free loopback ports for silos and web hosts that cannot bind port 0 themselves. The kernel may hand the same
/// free port to two callers once the first probe socket is closed; remembering what this test run already gave
/// out keeps two silos of one run off the same port.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>Keeps a port some other server already bound (Azurite, to be restarted on it) out of <see cref="Next"/>.</summary>
    public static void Exclude(int port)
    {
        lock (HandedOut)
        {
            HandedOut.Add(port);
        }
    }

    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
