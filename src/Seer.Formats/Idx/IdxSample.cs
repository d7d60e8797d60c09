using Seer.Core.Errors;

namespace Seer.Formats.Idx;

/// <summary>
/// Cuts a small IDX set out of a large one (e.g. 2,000 Fashion-MNIST test images for a demo or a test): images
/// <c>[offset, offset + count)</c> of <c>SPLIT-images-idx3-ubyte[.gz]</c> and their labels, written uncompressed as
/// <c>NAME-images-idx3-ubyte</c> / <c>NAME-labels-idx1-ubyte</c> in a new folder (temp folder, then rename), with the
/// source's class names in classes.txt when given.
/// </summary>
public static class IdxSample
{
    public static string Write(string sourceDirectory, string split, int offset, int count, string targetDirectory, string name,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var source = FileSources.Open(sourceDirectory);
        string Find(string kind, int dims) => source.Files.FirstOrDefault(f =>
                Path.GetFileName(f).StartsWith($"{split}-{kind}-idx{dims}-ubyte", StringComparison.Ordinal))
            ?? throw new SeerException(ErrorCodes.NotFound, $"{sourceDirectory} has no {split}-{kind}-idx{dims}-ubyte[.gz]", sourceDirectory);
        var images = IdxFile.Load(source, Find("images", 3), 3);
        var labels = IdxFile.Load(source, Find("labels", 1), 1);
        if (offset + count > images.Count || labels.Count != images.Count)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{sourceDirectory}: {split} holds {images.Count} images and {labels.Count} labels; asked for {offset}..{offset + count}", sourceDirectory);
        int size = images.Dimensions[1] * images.Dimensions[2];
        string temp = targetDirectory + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            IdxFile.Write(Path.Combine(temp, $"{name}-images-idx3-ubyte"), [count, images.Dimensions[1], images.Dimensions[2]],
                Enumerable.Range(offset, count).Select(i => images.Data.AsSpan(images.Offset + i * size, size).ToArray()));
            IdxFile.Write(Path.Combine(temp, $"{name}-labels-idx1-ubyte"), [count],
                [labels.Data.AsSpan(labels.Offset + offset, count).ToArray()]);
            if (classNames is not null) File.WriteAllLines(Path.Combine(temp, "classes.txt"), classNames);
            if (Directory.Exists(targetDirectory)) Directory.Delete(targetDirectory, recursive: true);
            Directory.Move(temp, targetDirectory);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        return targetDirectory;
    }

    /// <summary>Fashion-MNIST's ten class names, by label.</summary>
    public static IReadOnlyList<string> FashionMnistClasses => IdxClassNames.FashionMnist;
}
