using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// Sits between every API test and the host: a response that API-SPECIFICATION.yml does not describe (an
/// undocumented status, another content type, a missing required header, a body off its schema) throws, so the
/// test that received it fails with the reason.
/// </summary>
public sealed class ContractCheckingHandler(ResponseContract contract) : DelegatingHandler
{
    public ContractCheckingHandler()
        : this(ResponseContract.Current)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var errors = await contract.CheckAsync(request.Method, request.RequestUri!.AbsolutePath, response);
        if (errors.Count > 0)
        {
            response.Dispose();
            throw new ContractViolationException(string.Join("\n", errors));
        }
        return response;
    }
}

/// <summary>A response the specification does not allow.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

public static class ContractCheckedClients
{
    /// <summary>
    /// The factory's client (no redirects followed, cookies kept, like <c>CreateClient</c>'s defaults) with every
    /// response checked against API-SPECIFICATION.yml.
    /// </summary>
    public static HttpClient CreateContractCheckedClient(this WebApplicationFactory<Program> factory) =>
        factory.CreateDefaultClient(new CookieContainerHandler(), new ContractCheckingHandler());
}
