using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Abuse;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Abuse;

/// <summary>Who a request counts against: its client key and that client's limits.</summary>
public readonly record struct Client(string Key, ClientLimits Limits);

/// <summary>
/// The client key of a request: <c>key:{Name}</c> when <c>X-Api-Key</c> is a configured key (compared as SHA-256
/// hashes in constant time), else <c>ip:{address}</c> of the peer as ForwardedHeadersMiddleware left it (IPv6 by its
/// /64, since one host owns a whole /64), or <c>ip:unknown</c> without one.
/// </summary>
public sealed class ClientIdentity
{
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly ApiKey[] _keys;
    private readonly ClientLimits _defaults;

    public ClientIdentity(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _defaults = options.Value.DefaultLimits;
        _keys = [.. options.Value.ApiKeys.Select(k => new ApiKey("key:" + k.Name, Hash(k.Key), k.LimitsOver(_defaults)))];
    }

    public Client Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_keys.Length > 0 && context.Request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } given)
        {
            var hash = Hash(given);
            ApiKey? match = null;
            // Every configured key is compared, so the time taken does not tell which one came close.
            foreach (var key in _keys)
            {
                if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
                {
                    match = key;
                }
            }
            if (match is not null)
            {
                return new Client(match.ClientKey, match.Limits);
            }
        }
        return new Client(KeyOf(context.Connection.RemoteIpAddress), _defaults);
    }

    /// <summary><c>ip:203.0.113.7</c>, <c>ip:2001:db8:1:2::/64</c>, or <c>ip:unknown</c>.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"ip:{new IPAddress(bytes)}/64";
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private sealed record ApiKey(string ClientKey, byte[] Hash, ClientLimits Limits);
}
