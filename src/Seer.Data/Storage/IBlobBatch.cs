using Seer.Core.Storage;

namespace Seer.Data.Storage;

/// <summary>
/// Many blob puts from parallel workers (import, synthesis): <see cref="Add"/> hashes and stores or stages the bytes,
/// <see cref="Commit"/> makes every added blob durable and readable. Files: nothing is visible before Commit
/// (<see cref="BlobBatch"/>). S3: each object is written by Add (content-addressed, so an object no version refers to
/// is harmless) and Commit only checks that every upload finished (<see cref="S3BlobBatch"/>).
/// </summary>
public interface IBlobBatch : IDisposable
{
    /// <summary>Number of blobs this batch added that the store did not hold.</summary>
    int StagedCount { get; }

    /// <summary>Bytes of those blobs.</summary>
    long StagedBytes { get; }

    /// <summary>Hashes the bytes and stores them unless the store (or this batch) already holds them.</summary>
    BlobPut Add(ReadOnlySpan<byte> bytes);

    /// <summary>Makes every added blob durable and readable.</summary>
    void Commit();
}
