using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Abuse;

/// <summary>Stops the host on a trusted-proxy entry that is neither an IP address nor a CIDR range, naming it.</summary>
internal sealed class TrustedProxiesValidator(IConfiguration configuration) : IValidateOptions<ForwardedHeadersOptions>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersOptions options) =>
        TrustedProxies.From(configuration).Invalid is { Count: > 0 } invalid
            ? ValidateOptionsResult.Fail($"{string.Join(", ", invalid)}: each trusted proxy must be an IP address or a CIDR range such as 10.0.0.0/8.")
            : ValidateOptionsResult.Success;
}
