using Seer.Core.Errors;
using Seer.Formats.Tests.Support;

namespace Seer.Formats.Tests;

/// <summary>Folder and zip sources: hostile entry names, unicode names, directory entries, duplicates.</summary>
public sealed class SourceTests
{
    private static readonly byte[] Png = Generated.Png(8, 8, 1, new Random(1));

    [Theory]
    [InlineData("../evil.png", "'..'")]
    [InlineData("images/../../evil.png", "'..'")]
    [InlineData("/etc/evil.png", "absolute")]
    [InlineData("\\\\server\\evil.png", "absolute")]
    [InlineData("C:/Windows/evil.png", "drive letter")]
    [InlineData("c:evil.png", "drive letter")]
    public void Zip_RefusesEntriesThatLeaveTheRoot_NamingTheZipAndTheEntry(string entry, string why)
    {
        using var dir = new TempDir();
        string zip = Zips.Create(dir["hostile.zip"], ("ok/a.png", Png), (entry, Png));
        var e = Assert.Throws<SeerException>(() => FileSources.Open(zip));
        Assert.Contains("hostile.zip", e.Message);
        Assert.Contains(entry, e.Message);
        Assert.Contains(why, e.Message);
        Assert.Equal(ErrorCodes.InvalidInput, e.Code);
    }

    [Fact]
    public void Zip_KeepsUnicodeNames_AndSkipsDirectoryEntries()
    {
        using var dir = new TempDir();
        string zip = Zips.Create(dir["unicode.zip"], ("Straße/", []), ("Straße/日本 ü.png", Png), ("katzen/ßäö.png", Png));
        using var source = FileSources.Open(zip);
        Assert.Equal(["Straße/日本 ü.png", "katzen/ßäö.png"], source.Files);
        var read = FormatRegistry.GetImporter("folders").Read(source, new());
        var items = read.Items.ToList();
        Assert.Equal(["Straße", "katzen"], items.Select(i => i.Tags.Single()).Order(StringComparer.Ordinal));
        Assert.Equal("unicode.zip!Straße/日本 ü.png", items.Single(i => i.Tags[0] == "Straße").Display);
        using var s = items[0].Open();
        Assert.Equal(Png.Length, s.Length);
    }

    [Fact]
    public void Folder_KeepsUnicodeNames()
    {
        using var dir = new TempDir();
        dir.Write("src/Ünïcødé/猫.png", Png);
        var (snapshot, read) = Snapshots.Import(dir["src"], "folders");
        Assert.Empty(read.Rejected);
        Assert.Equal("Ünïcødé/猫.png", snapshot.Images.Single().FileName);
        Assert.Equal(["Ünïcødé"], snapshot.Images.Single().Tags);
    }

    [Fact]
    public void Zip_WithTheSameEntryTwice_IsRefused()
    {
        using var dir = new TempDir();
        string zip = Zips.Create(dir["dup.zip"], ("a/x.png", Png), ("a/x.png", Png));
        var e = Assert.Throws<SeerException>(() => FileSources.Open(zip));
        Assert.Contains("dup.zip", e.Message);
        Assert.Contains("a/x.png", e.Message);
    }

    [Fact]
    public void NotAZip_OrMissingPath_IsAClearError()
    {
        using var dir = new TempDir();
        string fake = dir.Write("fake.zip", "not a zip");
        Assert.Contains("not a readable zip", Assert.Throws<SeerException>(() => FileSources.Open(fake)).Message);
        var missing = Assert.Throws<SeerException>(() => FileSources.Open(dir["nope"]));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        string txt = dir.Write("a.txt", "x");
        Assert.Contains("not a .zip", Assert.Throws<SeerException>(() => FileSources.Open(txt)).Message);
    }

    [Fact]
    public void Registry_UnknownFormat_ListsTheKnownOnes()
    {
        var e = Assert.Throws<SeerException>(() => FormatRegistry.GetImporter("pascal"));
        Assert.Contains("'pascal'", e.Message);
        foreach (var name in new[] { "voc", "coco", "yolo", "folders", "labelme", "idx", "cvat", "labelstudio" })
        {
            Assert.Contains(name, e.Message);
            Assert.Equal(name, FormatRegistry.GetImporter(name).Format);
            Assert.Equal(name, FormatRegistry.GetExporter(name).Format);
        }
        Assert.Throws<SeerException>(() => FormatRegistry.GetExporter("tfrecord"));
    }

    [Fact]
    public void Export_IntoANonEmptyFolder_IsRefused_AndLeavesNothingBehind()
    {
        using var dir = new TempDir();
        dir.Write("out/keep.txt", "mine");
        var snapshot = Generated.Detection(5);
        var e = Assert.Throws<SeerException>(() => FormatRegistry.GetExporter("coco").Write(snapshot, dir["out"]));
        Assert.Equal(ErrorCodes.Conflict, e.Code);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(dir["out"]).Select(Path.GetFileName));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Export_ThatFailsMidway_LeavesNoOutputAndNoTemporaryFolder()
    {
        using var dir = new TempDir();
        var good = Generated.Detection(6);
        // An image whose bytes are missing from the blob store fails the export after others were written.
        var broken = new Core.Datasets.DatasetSnapshot("broken", "v1", good.Classes,
            [.. good.Images, good.Images[0] with { ContentHash = new string('0', 64), FileName = "missing.png" }], good.Blobs);
        Assert.Throws<SeerException>(() => FormatRegistry.GetExporter("voc").Write(broken, dir["out"]));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
