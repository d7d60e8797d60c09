using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Tensor sums without TorchSharp's hidden scalars. In TorchSharp 0.107 <c>a + b</c>,
/// <c>a.add(b)</c> and <c>a.add_(s)</c> all pass an implicitly converted <see cref="Scalar"/> alpha of 1 that nothing
/// keeps alive: a garbage collection on another thread (the prefetch workers allocate constantly) can run its
/// finalizer while libtorch still reads it, which shows up as NaN losses or "Unknown scalar type" (see
/// Nn/BatchNormLayer). The alpha here lives in a static field, so it is never finalized. House rule: in training
/// code, tensor + tensor goes through these, and constants are explicit scalars (static or disposed after the call).
/// </summary>
public static class ScalarSafe
{
    /// <summary>The alpha of 1, rooted for the life of the process.</summary>
    public static readonly Scalar One = 1L.ToScalar();

    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a - b (TorchSharp's sub passes no scalar; here for symmetry with <see cref="Plus"/>).</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b);

    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    public static Tensor PlusInPlace(this Tensor a, Scalar s) => a.add_(s, One);
}
