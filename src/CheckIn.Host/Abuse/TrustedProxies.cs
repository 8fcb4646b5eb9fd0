using System.Net;

namespace CheckIn.Host.Abuse;

/// <summary>
/// <c>CheckIn:TrustedProxies</c> (<c>CheckIn__TrustedProxies__0=10.0.0.0/8</c>, <c>__1</c>, …): the peers whose
/// <c>X-Forwarded-For</c> is believed. Each entry is an IP address or a CIDR range; nothing else starts the host.
/// </summary>
internal sealed record TrustedProxies(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks, IReadOnlyList<string> Invalid)
{
    public const string Section = "CheckIn:TrustedProxies";

    public bool Any => Addresses.Count > 0 || Networks.Count > 0;

    public static TrustedProxies From(IConfiguration configuration)
    {
        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        var invalid = new List<string>();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var text = child.Value?.Trim() ?? "";
            if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
            {
                addresses.Add(address);
            }
            else if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                invalid.Add($"CheckIn__TrustedProxies__{child.Key}='{text}'");
            }
        }
        return new TrustedProxies(addresses, networks, invalid);
    }
}
