using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Metric-learning losses for task <c>embed</c>: ArcFace (additive angular margin, Deng et al. 2019), CosFace (additive
/// cosine margin, Wang et al. 2018), a plain softmax baseline, and triplet with batch-hard mining (Hermans et al. 2017).
/// Constants are explicit scalars disposed after use (see <see cref="Losses"/>).
/// </summary>
public static class MetricLosses
{
    /// <summary>
    /// AdaCos's fixed scale (Zhang et al. 2019) for C identities: s = √2·ln(C − 1), so that at the start (every cos θ
    /// near 0) the true class's probability becomes large once its angle falls to about π/4; at least 4 (few identities
    /// would otherwise get a scale near 0). A fixed s of 30-64 with hundreds of identities saturates the softmax from
    /// the first step and the margin losses stall (IdentityBench: Recall@1 0.10 at s = 30, 0.40 at s = 7.08).
    /// </summary>
    public static double AdaCosScale(int identities) => Math.Max(4.0, Math.Sqrt(2) * Math.Log(Math.Max(2, identities - 1)));

    /// <summary>
    /// Normalised softmax with a margin: cos θ between unit embeddings and unit class centres; the true class's logit
    /// becomes s·cos(θ + m) (ArcFace; where θ + m would pass π, s·(cos θ − m·sin m) as insightface does) or
    /// s·(cos θ − m) (CosFace); cross-entropy over all classes.
    /// </summary>
    public static Tensor MarginSoftmax(Tensor embedding, Tensor centres, Tensor target, double scale, double margin, bool angular)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        using var scope = NewDisposeScope();
        Tensor cos = nn.functional.normalize(embedding, p: 2, dim: 1).matmul(nn.functional.normalize(centres, p: 2, dim: 1).t());
        using Scalar lo = (-1 + 1e-7).ToScalar(), hi = (1 - 1e-7).ToScalar(), s = scale.ToScalar();
        cos = cos.clamp(lo, hi);
        Tensor oneHot = nn.functional.one_hot(target, cos.shape[1]).to(cos.dtype);
        Tensor adjusted;
        if (angular)
        {
            using Scalar cosM = Math.Cos(margin).ToScalar(), sinM = Math.Sin(margin).ToScalar(),
                th = Math.Cos(Math.PI - margin).ToScalar(), mm = (Math.Sin(Math.PI - margin) * margin).ToScalar(), one = 1.0.ToScalar(), zero = 0.0.ToScalar();
            Tensor sin = cos.square().neg().add(one).clamp_min(zero).sqrt();
            Tensor phi = cos.mul(cosM).sub(sin.mul(sinM));
            phi = where(cos.gt(th), phi, cos.sub(mm));
            adjusted = cos.add(oneHot.mul(phi.sub(cos)));
        }
        else
        {
            using Scalar m = margin.ToScalar();
            adjusted = cos.sub(oneHot.mul(m));
        }
        return nn.functional.cross_entropy(adjusted.mul(s), target).MoveToOuterDisposeScope();
    }

    /// <summary>Batch-hard triplet loss on unit embeddings: per anchor, the farthest positive and the nearest negative
    /// (Euclidean), mean of max(0, d⁺ − d⁻ + margin) over anchors that have both.</summary>
    public static Tensor BatchHardTriplet(Tensor unitEmbedding, Tensor target, double margin)
    {
        ArgumentNullException.ThrowIfNull(unitEmbedding);
        using var scope = NewDisposeScope();
        using Scalar two = 2.0.ToScalar(), tiny = 1e-12.ToScalar(), big = 1e4.ToScalar(), m = margin.ToScalar(), zero = 0.0.ToScalar(), one = 1.0.ToScalar();
        long n = unitEmbedding.shape[0];
        Tensor gram = unitEmbedding.matmul(unitEmbedding.t());
        Tensor dist = gram.mul(two).neg().add(two).clamp_min(tiny).sqrt();
        Tensor same = target.unsqueeze(1).eq(target.unsqueeze(0));
        Tensor self = eye(n, dtype: ScalarType.Bool, device: unitEmbedding.device);
        Tensor positive = same.logical_and(self.logical_not());
        Tensor hardestPositive = dist.masked_fill(positive.logical_not(), zero).amax(1);
        Tensor hardestNegative = dist.masked_fill(same, big).amin(1);
        Tensor valid = positive.any(1).logical_and(same.logical_not().any(1)).to(dist.dtype);
        Tensor losses = hardestPositive.sub(hardestNegative).add(m).clamp_min(zero).mul(valid);
        return losses.sum().div(valid.sum().clamp_min(one)).MoveToOuterDisposeScope();
    }
}
