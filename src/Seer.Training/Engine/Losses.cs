using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Loss functions beyond TorchSharp's: softmax and sigmoid focal loss, GIoU loss. Constants are explicit scalars
/// disposed after use, never implicit conversions (see Nn/BatchNormLayer for the finalizer race that avoids).
/// </summary>
public static class Losses
{
    /// <summary>Multi-class focal loss: mean of -(1 - p_t)^gamma * log p_t.</summary>
    public static Tensor SoftmaxFocal(Tensor logits, Tensor target, double gamma)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = NewDisposeScope();
        Tensor logp = nn.functional.log_softmax(logits, 1).gather(1, target.unsqueeze(1)).squeeze(1);
        Tensor p = logp.exp();
        using Scalar one = 1.0.ToScalar(), g = gamma.ToScalar();
        return (p.neg().PlusInPlace(one).pow(g).neg() * logp).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Sigmoid focal loss (RetinaNet), summed: alpha-balanced, gamma-modulated binary cross-entropy.</summary>
    public static Tensor SigmoidFocalSum(Tensor logits, Tensor targets, double alpha = 0.25, double gamma = 2.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = NewDisposeScope();
        Tensor p = logits.sigmoid();
        Tensor ce = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        using Scalar one = 1.0.ToScalar(), a = alpha.ToScalar(), notA = (1 - alpha).ToScalar(), g = gamma.ToScalar();
        Tensor notTargets = targets.neg().PlusInPlace(one);
        Tensor pt = (p * targets).Plus(p.neg().PlusInPlace(one) * notTargets);
        Tensor weight = targets.mul(a).Plus(notTargets.mul(notA)) * pt.neg().PlusInPlace(one).pow(g);
        return (weight * ce).sum().MoveToOuterDisposeScope();
    }

    /// <summary>1 - GIoU of boxes given as [K,4] x1,y1,x2,y2, per box.</summary>
    public static Tensor GIoULoss(Tensor pred, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(pred);
        using var scope = NewDisposeScope();
        Tensor px1 = pred[.., 0], py1 = pred[.., 1], px2 = pred[.., 2], py2 = pred[.., 3];
        Tensor tx1 = target[.., 0], ty1 = target[.., 1], tx2 = target[.., 2], ty2 = target[.., 3];
        using Scalar zero = 0.0.ToScalar(), one = 1.0.ToScalar(), eps = 1e-7.ToScalar();
        Tensor areaP = px2.Minus(px1).clamp_min(zero) * py2.Minus(py1).clamp_min(zero);
        Tensor areaT = tx2.Minus(tx1).clamp_min(zero) * ty2.Minus(ty1).clamp_min(zero);
        Tensor iw = minimum(px2, tx2).Minus(maximum(px1, tx1)).clamp_min(zero);
        Tensor ih = minimum(py2, ty2).Minus(maximum(py1, ty1)).clamp_min(zero);
        Tensor inter = iw * ih;
        Tensor union = areaP.Plus(areaT).Minus(inter).PlusInPlace(eps);
        Tensor iou = inter / union;
        Tensor cw = maximum(px2, tx2).Minus(minimum(px1, tx1));
        Tensor ch = maximum(py2, ty2).Minus(minimum(py1, ty1));
        Tensor enclose = (cw * ch).PlusInPlace(eps);
        Tensor giou = iou.Minus(enclose.Minus(union) / enclose);
        return giou.neg().PlusInPlace(one).MoveToOuterDisposeScope();
    }
}
