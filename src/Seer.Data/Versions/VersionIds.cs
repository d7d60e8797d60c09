using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Data.Metadata;

namespace Seer.Data.Versions;

/// <summary>
/// Content-addressed version ids, like git commits: the content digest hashes the images (content hash, name, size,
/// labelled flag, annotations) and the class list in order; the version id hashes the dataset name, the parents,
/// the operation, its parameters and the content digest. Same inputs, same id; ids are shown by a short prefix.
/// </summary>
public static class VersionIds
{
    /// <summary>Characters of the id shown to people (like git's short hashes).</summary>
    public const int ShortLength = 10;

    public static string Short(string versionId) => versionId.Length <= ShortLength ? versionId : versionId[..ShortLength];

    public static string ContentDigest(IReadOnlyList<ImageRecord> images, IReadOnlyList<string> classes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var c in classes) w.WriteStringValue(c);
            w.WriteEndArray();
        }
        hash.AppendData(buffer.WrittenSpan);
        foreach (var image in images)
        {
            buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartArray();
                w.WriteStringValue(image.ContentHash);
                w.WriteStringValue(image.FileName);
                w.WriteNumberValue(image.Width);
                w.WriteNumberValue(image.Height);
                w.WriteBooleanValue(image.IsLabelled);
                ImageJson.Write(w, image);
                w.WriteEndArray();
            }
            hash.AppendData("\n"u8);
            hash.AppendData(buffer.WrittenSpan);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string VersionId(string dataset, IReadOnlyList<string> parents, string operation, string parametersJson, string contentDigest)
    {
        var text = new StringBuilder("seer-version-1\n");
        text.Append(dataset).Append('\n');
        foreach (var p in parents) text.Append("parent ").Append(p).Append('\n');
        text.Append(operation).Append('\n').Append(parametersJson).Append('\n').Append(contentDigest);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
