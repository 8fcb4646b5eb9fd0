using CheckIn.Payments;

namespace CheckIn.Host.Integrations;

/// <summary>
/// The base URL of a remote service: the configured one, or this host's own listening address plus the path the
/// in-process simulator is mounted at. The host's address is only known once the server listens (port 0 included),
/// so it is looked up at the first call and kept once found; under a server without addresses (TestServer) there is
/// none, and the clients answer Unavailable.
/// </summary>
public sealed class ServiceBaseAddress(IServiceProvider services)
{
    // The same rule the payment simulator uses for its webhooks: first http address, wildcard hosts -> localhost.
    private static readonly Func<IServiceProvider, Uri?> ServerRoot = PaymentSimulatorOptions.ServerAddress("/");

    private Uri? _serverRoot;

    /// <summary>The base (always ending in <c>/</c>) for <paramref name="options"/>, or null when it is not known yet.</summary>
    public Uri? Resolve(RemoteServiceOptions options, string inProcessPath)
    {
        if (!options.IsInProcess)
        {
            return WithTrailingSlash(new Uri(options.BaseUrl, UriKind.Absolute));
        }
        var root = Volatile.Read(ref _serverRoot);
        if (root is null)
        {
            root = ServerRoot(services);
            Volatile.Write(ref _serverRoot, root);
        }
        return root is null ? null : new Uri(root, inProcessPath.Trim('/') + "/");
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;
}
