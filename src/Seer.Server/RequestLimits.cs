using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting;

namespace Seer.Server;

/// <summary>
/// Request-body limits, applied before anything reads the body: a request with a body for a route that does not
/// exist gets 404 at once (and the connection is closed rather than drained); a body declared larger than
/// <see cref="HostingOptions.MaxUploadBytes"/> gets 413 naming the limit; a body without a declared length is cut off
/// at the limit (413) as it is read.
/// </summary>
public sealed class RequestLimits
{
    private readonly RequestDelegate _next;
    private readonly long _limit;

    public RequestLimits(RequestDelegate next, IOptions<HostingOptions> options)
    {
        _next = next;
        _limit = options.Value.MaxUploadBytes;
    }

    /// <summary>The limit as people read it, e.g. "100 MiB".</summary>
    public static string Describe(long bytes) =>
        bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB" : bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        bool hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody) return _next(context);
        if (context.GetEndpoint() is null)
        {
            context.Response.Headers.Connection = "close";
            return SeerServer.Problem(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound,
                $"no route {request.Method} {request.Path}; the request body was not read");
        }
        if (request.ContentLength > _limit)
        {
            context.Response.Headers.Connection = "close";
            return SeerServer.Problem(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooLarge,
                $"the request body is {request.ContentLength} bytes, over the upload limit of {Describe(_limit)} (Seer:MaxUploadBytes); " +
                "put bigger archives in the workspace's imports/ folder and import them by path");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = _limit;
        request.Body = new LimitedStream(request.Body, _limit);
        return _next(context);
    }

    /// <summary>Throws a too-large error once more than the limit has been read.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
                throw new SeerException(ErrorCodes.TooLarge, $"the request body is over the upload limit of {Describe(limit)} (Seer:MaxUploadBytes)");
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
