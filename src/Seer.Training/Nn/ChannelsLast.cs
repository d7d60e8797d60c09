using static TorchSharp.torch;

namespace Seer.Training.Nn;

/// <summary>
/// Every convolution in Seer's networks runs on channels-last activations (shape NCHW, strides NHWC). Two reasons:
/// <list type="bullet">
/// <item>Speed: oneDNN convolves NHWC directly instead of reordering each layer's input and output to its blocked
/// layout.</item>
/// <item>Correctness: libtorch 2.10's oneDNN computes the input gradient of an NCHW convolution in a blocked layout
/// (8 channels per block on AVX2, 16 on AVX-512) whose padding channels it leaves uninitialised. When a layer's
/// channel count is not a multiple of the block, stale memory that happens to hold NaN or Inf leaks into the gradient
/// (0 × NaN): the intermittent "loss NaN" of small-width trainings. A throw-away grid (2026-11-24, not kept) on NaN-filled freed memory:
/// NCHW 1–49 of 50 backward passes NaN for every channel count that is not a multiple of 16 (AVX-512) or 8 (AVX2);
/// channels-last 0 for all (2–40 in × 1–64 out channels, stride 1 and 2, 1 and 2 threads).</item>
/// </list>
/// </summary>
public static class ChannelsLast
{
    /// <summary>
    /// <paramref name="x"/> itself when it is already channels-last (or has one channel or is not 4-d), else a
    /// channels-last copy with the same values and shape.
    /// </summary>
    public static Tensor Ensure(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.shape[1] == 1 || x.stride(1) == 1) return x;
        // each temporary held by a using: an unreferenced wrapper can be finalized while libtorch still uses it
        using Tensor permuted = x.permute(0, 2, 3, 1);
        using Tensor nhwc = permuted.contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }
}
