using System.Net;
using CheckIn.Host.Abuse;

namespace CheckIn.Api.Tests;

/// <summary>The client key of a peer address: IPv4 as is, IPv6 by its /64 (one host owns a whole /64).</summary>
public sealed class ClientIdentityTests
{
    [Theory]
    [InlineData("203.0.113.7", "ip:203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "ip:203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "ip:2001:db8:1:3::/64")]
    public void A_peer_address_is_its_client_key(string address, string key) =>
        Assert.Equal(key, ClientIdentity.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void No_peer_address_is_ip_unknown() => Assert.Equal("ip:unknown", ClientIdentity.KeyOf(null));
}
