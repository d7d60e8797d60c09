using System.Text;
using Seer.Core.Errors;
using Seer.Video.Pipeline;

namespace Seer.Video.Sinks;

/// <summary>
/// <c>disk:DIR</c>: each snapshot as two JPEG files (<c>STREAM-tTRACK-fFRAME-crop.jpg</c> and <c>-frame.jpg</c>) and one JSON
/// line in <c>DIR/snapshots.jsonl</c> whose <c>crop</c> and <c>frame</c> name those files (relative to DIR). The images are
/// written (temporary name, then renamed) before their line, so a line never names a missing or partial file.
/// </summary>
public sealed class DiskSink : ISnapshotSink
{
    private readonly string _dir;
    private readonly StreamWriter _lines;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _written, _failed;

    public DiskSink(string dir)
    {
        _dir = Path.GetFullPath(dir);
        try
        {
            Directory.CreateDirectory(_dir);
            _lines = new StreamWriter(new FileStream(Path.Combine(_dir, "snapshots.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SeerException(ErrorCodes.InvalidOptions, $"disk sink folder '{dir}' cannot be written: {ex.Message}", dir, ex);
        }
    }

    public string Name => "disk:" + _dir;
    public string Folder => _dir;
    public SinkStats Stats => new(Interlocked.Read(ref _written), Interlocked.Read(ref _failed), 0, 0);

    public async ValueTask WriteAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var e = snapshot.Event;
        string stem = $"{Safe(e.Stream)}-t{e.TrackId}-f{e.BestFrame}";
        string crop = stem + "-crop.jpg", frame = stem + "-frame.jpg";
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteFileAsync(crop, snapshot.CropJpeg, cancellationToken).ConfigureAwait(false);
            await WriteFileAsync(frame, snapshot.FrameJpeg, cancellationToken).ConfigureAwait(false);
            await _lines.WriteLineAsync((e with { Crop = crop, Frame = frame }).ToJson().AsMemory(), cancellationToken).ConfigureAwait(false);
            await _lines.FlushAsync(cancellationToken).ConfigureAwait(false);
            _written++;
        }
        catch (IOException)
        {
            _failed++;
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task WriteFileAsync(string name, byte[] bytes, CancellationToken ct)
    {
        string path = Path.Combine(_dir, name), tmp = path + ".tmp";
        await File.WriteAllBytesAsync(tmp, bytes, ct).ConfigureAwait(false);
        File.Move(tmp, path, overwrite: true);
    }

    public static string Safe(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return sb.Length == 0 ? "stream" : sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _lines.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}
