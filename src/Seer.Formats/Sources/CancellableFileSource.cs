using Seer.Core.Interchange;

namespace Seer.Formats.Sources;

/// <summary>
/// A source whose reads stop when a job is cancelled or the server shuts down: every stream it opens checks the token
/// before each read, so an importer parsing a large annotation file from a slow source, and the import's image reads,
/// end at the next read. (A read that blocks inside the kernel cannot be interrupted; the callers wait for the token,
/// not for that read: <see cref="FileSources.ReadAsync"/> and the import pipeline.)
/// </summary>
internal sealed class CancellableFileSource(IFileSource inner, CancellationToken cancellationToken) : IFileSource
{
    public string Origin => inner.Origin;

    public IReadOnlyList<string> Files => inner.Files;

    public IReadOnlyList<ItemIssue> Skipped => inner.Skipped;

    public bool Exists(string relativePath) => inner.Exists(relativePath);

    public Stream Open(string relativePath)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new CancellableStream(inner.Open(relativePath), cancellationToken);
    }

    public long Length(string relativePath) => inner.Length(relativePath);

    public string Display(string relativePath) => inner.Display(relativePath);

    public void Dispose() => inner.Dispose();

    /// <summary>A read-only stream that throws <see cref="OperationCanceledException"/> on the first read after cancellation.</summary>
    private sealed class CancellableStream(Stream inner, CancellationToken token) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            token.ThrowIfCancellationRequested();
            return inner.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            token.ThrowIfCancellationRequested();
            return inner.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
            return await inner.ReadAsync(buffer, both.Token).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
