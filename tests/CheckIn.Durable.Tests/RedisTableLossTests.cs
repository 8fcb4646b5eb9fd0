using System.Net;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// Redis run without persistence (as README runs it) loses the membership table when it restarts. Orleans alone then
/// fails every heartbeat for ever and can no longer declare a silo dead (dotnet/orleans#7784): a host killed afterwards
/// would keep its grains unreachable. <c>RecoveringMembershipTable</c> puts each live silo back, with the table version
/// carried forward, so failure detection works again.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class RedisTableLossTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task After_the_membership_table_is_lost_the_silos_register_again_and_a_host_killed_later_is_declared_dead()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration);
        var survivor = _hosts.Start("survivor", settings);
        await survivor.WaitUntilReadyAsync();
        var victim = _hosts.Start("victim", settings.Sibling());
        await victim.WaitUntilReadyAsync();
        await using var membership = new RedisMembership(settings.Redis, settings.ClusterId);
        await membership.WaitForActiveAsync([survivor, victim], TimeSpan.FromSeconds(30));
        var booking = await survivor.Api.CreateBookingAsync();

        await membership.ForgetTableAsync();

        // Both silos write themselves back at their next heartbeats (every 2 s).
        await membership.WaitForActiveAsync([survivor, victim], TimeSpan.FromSeconds(30));
        victim.KillHard();
        await Eventually.UntilAsync(
            () => membership.StatusAsync(victim.Settings.SiloPort),
            status => status == "Dead",
            TimeSpan.FromSeconds(30),
            "the survivor to declare the killed host dead in the rebuilt table");
        // Every seat answers through the survivor, wherever its grain lived.
        foreach (var seat in new[] { "1A", "1B", "1C", "2A", "2B", "2C", "3D", "4E", "5F" })
        {
            await Eventually.UntilAsync(
                () => survivor.Api.SeatCommandAsync("hold", booking, seat, booking.FirstPassenger),
                response => response.Status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30),
                $"seat {seat} to answer through the survivor");
        }
        Assert.Equal("Active", await membership.StatusAsync(survivor.Settings.SiloPort));
    }

    public void Dispose() => _hosts.Dispose();
}
