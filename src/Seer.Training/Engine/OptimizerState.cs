using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>Writes and reads optimizer state tensors (float32, length-prefixed) for checkpoints.</summary>
internal static class OptimizerState
{
    public static void WriteTensor(BinaryWriter writer, Tensor t)
    {
        float[] data = Tensors.ToArray(t);
        writer.Write(data.Length);
        foreach (float v in data) writer.Write(v);
    }

    public static void ReadTensor(BinaryReader reader, Tensor into)
    {
        int n = reader.ReadInt32();
        if (n != into.numel()) throw new InvalidDataException($"optimizer tensor has {n} values, expected {into.numel()}");
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = reader.ReadSingle();
        using var noGrad = no_grad();
        using Tensor src = Tensors.Copy(data, into.shape);
        into.copy_(src);
    }
}
