using CheckIn.Grains.Telemetry;
using CheckIn.Host.Persistence;
using Orleans.TestingHost;

namespace CheckIn.Durable.Tests.Infrastructure;

internal static class TestClusters
{
    /// <summary>
    /// Starts an in-process cluster whose silos keep state and reminders in <paramref name="connectionString"/>.
    /// Clusters started with the same <paramref name="serviceId"/> see the same stored grains, as a restarted
    /// deployment would. <paramref name="configure"/> adds to each silo.
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(string connectionString, string serviceId, short silos = 1, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UsePostgresPersistence(connectionString);
            silo.Services.AddCheckInMetrics();
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
