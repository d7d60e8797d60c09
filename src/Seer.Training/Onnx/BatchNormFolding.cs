namespace Seer.Training.Onnx;

/// <summary>
/// Folds an inference-mode batch normalisation into the convolution before it:
/// y = γ·(conv(x) + b − μ)/√(σ² + ε) + β  ⇒  W' = W·s, b' = (b − μ)·s + β with s = γ/√(σ² + ε) per output channel.
/// </summary>
public static class BatchNormFolding
{
    /// <param name="weight">Convolution weight [out, in/groups, kh, kw], flattened.</param>
    /// <param name="bias">Convolution bias [out], or null when the convolution has none.</param>
    /// <returns>The folded weight (same layout) and bias [out].</returns>
    public static (float[] Weight, float[] Bias) Fold(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance,
        double epsilon)
    {
        int outChannels = gamma.Length;
        if (outChannels == 0 || beta.Length != outChannels || mean.Length != outChannels ||
            variance.Length != outChannels || (bias.Length != 0 && bias.Length != outChannels) ||
            weight.Length % outChannels != 0)
            throw new ArgumentException(
                $"batch-norm folding: {outChannels} channels do not match weight {weight.Length}, bias {bias.Length}, " +
                $"beta {beta.Length}, mean {mean.Length}, variance {variance.Length}");
        int perChannel = weight.Length / outChannels;
        var w = new float[weight.Length];
        var b = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double s = gamma[o] / Math.Sqrt(variance[o] + epsilon);
            for (int k = 0; k < perChannel; k++) w[o * perChannel + k] = (float)(weight[o * perChannel + k] * s);
            double b0 = bias.Length == 0 ? 0 : bias[o];
            b[o] = (float)((b0 - mean[o]) * s + beta[o]);
        }
        return (w, b);
    }
}
