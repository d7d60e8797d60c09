using Seer.Core.Errors;

namespace Seer.Training.Registry;

/// <summary>
/// Tells a training that is running from one whose process is gone. A training holds an exclusive lock on
/// <c>&lt;model folder&gt;/training.lock</c> (an OS file lock, which the kernel releases when the process ends, however it
/// ends) for as long as it runs; the file also names the process (pid and start time) for people. A record whose status
/// is <c>training</c> while nobody holds the lock is reported as <see cref="Interrupted"/>: it can be resumed
/// (<c>seer train --resume ID</c>) or deleted (<c>seer model delete ID</c>).
/// </summary>
public static class TrainingLock
{
    /// <summary>The status shown for a training whose process is gone.</summary>
    public const string Interrupted = "interrupted";

    public const string FileName = "training.lock";

    /// <summary>
    /// Marks a model folder copied from a cluster's shared store (the model was trained on another machine): its
    /// training process is not on this machine, so no local lock tells whether it runs; its record is taken as published.
    /// </summary>
    public const string MirrorMarker = "mirrored-from-shared-store";

    /// <summary>Takes the lock of a model's folder for this process; throws conflict when another process trains it.</summary>
    public static IDisposable Acquire(string modelFolder, string modelId)
    {
        Directory.CreateDirectory(modelFolder);
        string path = Path.Combine(modelFolder, FileName);
        // A reader probing the lock (IsHeld) holds it for an instant: try a few times before calling it taken.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                stream.SetLength(0);
                stream.Write(System.Text.Encoding.UTF8.GetBytes(
                    $"pid {Environment.ProcessId} started {process.StartTime.ToUniversalTime():O} host {Environment.MachineName}\n"));
                stream.Flush();
                return stream;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
            catch (IOException)
            {
                throw new SeerException(ErrorCodes.Conflict,
                    $"model {modelId} is being trained by another process (its pid is in {path}); wait for it or stop it", modelId);
            }
        }
    }

    /// <summary>Whether a live process holds the model folder's training lock.</summary>
    public static bool IsHeld(string modelFolder)
    {
        string path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            // A shared open takes a shared lock, which an exclusive holder refuses.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The record as it is now: <c>training</c> with no live process becomes <see cref="Interrupted"/>.</summary>
    public static ModelRecord Live(ModelRecord record, string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Status == "training" && !IsHeld(modelFolder) && !File.Exists(Path.Combine(modelFolder, MirrorMarker))
            ? record with { Status = Interrupted } : record;
    }

}
