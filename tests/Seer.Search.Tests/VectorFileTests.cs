using Seer.Core.Errors;

namespace Seer.Search.Tests;

public class VectorFileTests
{
    [Theory]
    [InlineData(".fvecs")]
    [InlineData(".npy")]
    public void VectorFiles_RoundTrip(string ext)
    {
        string path = Path.Combine(TestVectors.NewTempDir(), "v" + ext);
        var matrix = new VectorMatrix(5, 7, TestVectors.Gaussian(5, 7, seed: 1));

        VectorFiles.Write(path, matrix);
        var read = VectorFiles.Read(path);

        Assert.Equal(5, read.Rows);
        Assert.Equal(7, read.Dimension);
        Assert.Equal(matrix.Data, read.Data);
    }

    [Theory]
    [InlineData(".fvecs")]
    [InlineData(".npy")]
    public void VectorFiles_RejectTruncatedFilesNamingThem(string ext)
    {
        string path = Path.Combine(TestVectors.NewTempDir(), "cut" + ext);
        VectorFiles.Write(path, new VectorMatrix(4, 8, TestVectors.Gaussian(4, 8, seed: 2)));
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 6);

        var error = Assert.Throws<SeerException>(() => VectorFiles.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Npy_RejectsOtherDtypes()
    {
        string path = Path.Combine(TestVectors.NewTempDir(), "f8.npy");
        VectorFiles.Write(path, new VectorMatrix(2, 3, new float[6]));
        var bytes = File.ReadAllBytes(path);
        string text = System.Text.Encoding.Latin1.GetString(bytes).Replace("<f4", "<f8");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(text));

        var error = Assert.Throws<SeerException>(() => VectorFiles.Read(path));
        Assert.Contains("<f8", error.Message);
    }

    [Fact]
    public void Npy_ReadsAFileWrittenByNumPy()
    {
        // The exact bytes numpy 1.24 writes for np.arange(6, dtype='float32').reshape(2, 3).
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        header += new string(' ', 118 - header.Length - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(System.Text.Encoding.Latin1.GetBytes(header));
        foreach (float f in new float[] { 0, 1, 2, 3, 4, 5 }) bytes.AddRange(BitConverter.GetBytes(f));
        string path = Path.Combine(TestVectors.NewTempDir(), "np.npy");
        File.WriteAllBytes(path, bytes.ToArray());

        var read = VectorFiles.Read(path);

        Assert.Equal((2, 3), (read.Rows, read.Dimension));
        Assert.Equal([3f, 4f, 5f], read.Row(1).ToArray());
    }

    [Fact]
    public void Ids_MustMatchTheVectorCount()
    {
        string path = Path.Combine(TestVectors.NewTempDir(), "ids.txt");
        File.WriteAllLines(path, ["a", "b"]);
        var error = Assert.Throws<SeerException>(() => VectorFiles.ReadIds(path, 3));
        Assert.Contains("has 2 ids but the vector file has 3", error.Message);
    }
}
