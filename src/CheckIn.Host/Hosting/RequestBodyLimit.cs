using CheckIn.Host.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Hosting;

/// <summary>
/// Caps every request body at <see cref="CheckInOptions.MaxRequestBodyBytes"/> (32 KB by default) unless the endpoint
/// declares its own <see cref="Limit"/> (the payment webhook: 64 KB). A declared
/// <c>Content-Length</c> over the limit is refused before anything reads the body; a chunked body is cut off when it
/// passes the limit. Kestrel enforces the limit itself (its per-request <see cref="IHttpMaxRequestBodySizeFeature"/>);
/// a server without that feature (the test server) gets a counting stream that fails the same way Kestrel does
/// (<see cref="BadHttpRequestException"/> 413, answered as <c>PAYLOAD_TOO_LARGE</c>).
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = LimitFor(context);
        if (context.Request.ContentLength > limit)
        {
            await Problems.PayloadTooLarge(limit).ExecuteAsync(context);
            return;
        }
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            // Never raise a limit the server was configured with below ours.
            feature.MaxRequestBodySize = feature.MaxRequestBodySize is { } serverLimit ? Math.Min(serverLimit, limit) : limit;
        }
        else if (feature is null)
        {
            context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        }
        await next(context);
    });

    private static long LimitFor(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Limit>()?.MaxRequestBodySize
            ?? context.RequestServices.GetRequiredService<IOptions<CheckInOptions>>().Value.MaxRequestBodyBytes;

    /// <summary>
    /// The declared limit of one endpoint, for <c>.WithMetadata(...)</c>. Deliberately not the framework's
    /// <c>IRequestSizeLimitMetadata</c>: routing would apply that one itself and raise a lower limit Kestrel was given.
    /// </summary>
    public sealed record Limit(long MaxRequestBodySize);

    /// <summary>Reads through until more than <c>limit</c> bytes have come, then fails as Kestrel would.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                throw new BadHttpRequestException("The request body is larger than this server accepts.", StatusCodes.Status413PayloadTooLarge);
            }
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
