namespace Seer.Search;

/// <summary>A row-major float32 matrix of <see cref="Rows"/> vectors of <see cref="Dimension"/> values.</summary>
public sealed class VectorMatrix
{
    public VectorMatrix(int rows, int dimension, float[] data)
    {
        if (data.LongLength != (long)rows * dimension)
            throw new ArgumentException($"{data.LongLength} values is not {rows} × {dimension}", nameof(data));
        Rows = rows;
        Dimension = dimension;
        Data = data;
    }

    public int Rows { get; }
    public int Dimension { get; }
    public float[] Data { get; }

    public ReadOnlySpan<float> Row(int i) => Data.AsSpan(i * Dimension, Dimension);
}
