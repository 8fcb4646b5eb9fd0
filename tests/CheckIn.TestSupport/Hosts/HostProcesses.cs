namespace CheckIn.TestSupport.Hosts;

/// <summary>
/// The host processes one test started. Disposing kills every one that still runs and writes each one's output
/// to the test log, which the runner prints when the test fails.
/// </summary>
public sealed class HostProcesses(ITestOutputHelper log) : IDisposable
{
    private readonly List<HostProcess> _hosts = [];

    public HostProcess Start(string name, HostSettings settings)
    {
        var host = HostProcess.Start(name, settings);
        _hosts.Add(host);
        return host;
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            var exit = host.HasExited ? $"exited with {host.ExitCode}" : "still running; killed";
            host.Dispose();
            log.WriteLine($"----- {host.Name} ({exit}; http {host.Settings.HttpPort}, silo {host.Settings.SiloPort}, gateway {host.Settings.GatewayPort}) -----");
            log.WriteLine(host.Output);
        }
        _hosts.Clear();
    }
}
