using System.Numerics.Tensors;
using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>Validation and preparation of vectors entering a group or a query: finite values, unit length for cosine.</summary>
internal static class VectorChecks
{
    /// <summary>Throws if a value is NaN or infinite; for cosine, normalises in place (and rejects a zero vector).</summary>
    public static void Prepare(Span<float> vector, DistanceMetric metric, string what, string? source)
    {
        for (int i = 0; i < vector.Length; i++)
            if (!float.IsFinite(vector[i]))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{what} has a {(float.IsNaN(vector[i]) ? "NaN" : "infinite")} value at index {i}", source);
        if (metric != DistanceMetric.Cosine) return;
        float norm = TensorPrimitives.Norm<float>(vector);
        if (norm == 0 || !float.IsFinite(norm))
            throw new SeerException(ErrorCodes.InvalidInput, $"{what} has zero length and cannot be compared by cosine", source);
        TensorPrimitives.Divide(vector, norm, vector);
    }
}
