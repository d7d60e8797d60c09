using Seer.Core.Annotations;
using Seer.Core.Datasets;

namespace Seer.Formats.Tests.Support;

/// <summary>Asserts that a dataset read back after an export keeps what the format holds.</summary>
public static class RoundTrip
{
    /// <summary>Exports with a format, imports the folder again, and returns the snapshot and the export report.</summary>
    public static (DatasetSnapshot Back, Seer.Core.Interchange.ExportReport Report, Seer.Core.Interchange.ImportRead Read) Through(
        DatasetSnapshot snapshot, string format, TempDir dir)
    {
        string output = dir[format + "-" + Guid.NewGuid().ToString("N")[..6]];
        var report = FormatRegistry.GetExporter(format).Write(snapshot, output);
        var (back, read) = Snapshots.Import(output, format);
        Assert.Empty(read.Rejected);
        return (back, report, read);
    }

    /// <summary>Every image is back under the same name with the same bytes, labels and what <paramref name="holds"/> says.</summary>
    public static void AssertKept(DatasetSnapshot expected, DatasetSnapshot actual, Holds holds, Func<ImageRecord, string>? key = null)
    {
        key ??= i => i.FileName;
        var back = actual.Images.ToDictionary(key, StringComparer.Ordinal);
        Assert.Equal(expected.Images.Count, actual.Images.Count);
        foreach (var e in expected.Images)
        {
            Assert.True(back.TryGetValue(key(e), out var a), $"image {e.FileName} missing after the round trip");
            Assert.Equal(e.ContentHash, a!.ContentHash);
            Assert.Equal((e.Width, e.Height), (a.Width, a.Height));
            bool labelled = e.IsLabelled && (holds.HasFlag(Holds.Boxes) || e.Tags.Count > 0);
            Assert.True(labelled == a.IsLabelled, $"{e.FileName}: labelled {e.IsLabelled} became {a.IsLabelled}");
            if (holds.HasFlag(Holds.Tags)) Assert.Equal(e.Tags.Take(1), a.Tags);
            if (holds.HasFlag(Holds.ImageAttributes)) Assert.Equal(Sorted(e.Attributes), Sorted(a.Attributes));
            if (!holds.HasFlag(Holds.Boxes))
            {
                Assert.Empty(a.Objects);
                continue;
            }
            Assert.True(e.Objects.Count == a.Objects.Count, $"{e.FileName}: {e.Objects.Count} objects became {a.Objects.Count}");
            for (int i = 0; i < e.Objects.Count; i++) AssertObject(e.FileName, e.Objects[i], a.Objects[i], holds);
        }
    }

    public static void AssertObject(string file, ObjectAnnotation e, ObjectAnnotation a, Holds holds)
    {
        Assert.Equal(e.Label, a.Label);
        AssertClose(e.Box.X1, a.Box.X1, file);
        AssertClose(e.Box.Y1, a.Box.Y1, file);
        AssertClose(e.Box.X2, a.Box.X2, file);
        AssertClose(e.Box.Y2, a.Box.Y2, file);
        if (holds.HasFlag(Holds.Polygons))
        {
            Assert.Equal(e.Polygons.Count, a.Polygons.Count);
            for (int p = 0; p < e.Polygons.Count; p++)
            {
                Assert.Equal(e.Polygons[p].Count, a.Polygons[p].Count);
                for (int q = 0; q < e.Polygons[p].Count; q++)
                {
                    AssertClose(e.Polygons[p][q].X, a.Polygons[p][q].X, file);
                    AssertClose(e.Polygons[p][q].Y, a.Polygons[p][q].Y, file);
                }
            }
        }
        else Assert.Empty(a.Polygons);
        if (holds.HasFlag(Holds.Crowd)) Assert.Equal(e.IsCrowd, a.IsCrowd);
        if (holds.HasFlag(Holds.DifficultTruncated)) Assert.Equal((e.Difficult, e.Truncated), (a.Difficult, a.Truncated));
        if (holds.HasFlag(Holds.Area) && e.Area is not null) Assert.Equal(e.Area, a.Area);
        if (holds.HasFlag(Holds.Score)) Assert.Equal(e.Score, a.Score);
        if (holds.HasFlag(Holds.ObjectAttributes)) Assert.Equal(Sorted(e.Attributes), Sorted(a.Attributes));
        if (holds.HasFlag(Holds.BooleanObjectAttributes))
            Assert.Equal(Sorted(e.Attributes.Where(kv => kv.Value is "true" or "false").ToDictionary()), Sorted(a.Attributes));
    }

    private static void AssertClose(double expected, double actual, string file) =>
        Assert.True(Math.Abs(expected - actual) < 1e-6, $"{file}: coordinate {expected} became {actual}");

    private static List<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> d) =>
        d.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
}
