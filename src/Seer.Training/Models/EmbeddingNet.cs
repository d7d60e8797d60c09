using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// An embedding network for task <c>embed</c>: a classifier backbone's own features (<see cref="IFeatureModel"/>:
/// small-cnn, small-cnn-fc, resnet18) → BatchNorm1d → linear to <see cref="Dimension"/> → L2 norm.
/// <c>forward</c> gives the unit-length embedding [N, D]; <see cref="Neck"/> the embedding before normalisation (what
/// the softmax baseline classifies). <c>head.weight</c> [identities, D] holds the class centres the margin losses
/// (ArcFace, CosFace) and the softmax baseline train against; it is used only in training and is not exported.
/// State-dict keys: <c>backbone.*</c> (the backbone's own, its unused classifier <c>backbone.fc.*</c> included),
/// <c>neck_bn.*</c>, <c>neck.*</c>, <c>head.*</c>.
/// </summary>
public sealed class EmbeddingNet : Module<Tensor, Tensor>, IFeatureModel
{
    private readonly Module<Tensor, Tensor> backbone;
    private readonly BatchNorm1d neck_bn;
    private readonly Linear neck;
    private readonly Linear head;

    public EmbeddingNet(Module<Tensor, Tensor> backbone, int featureDimension, int identities, int dimension) : base(nameof(EmbeddingNet))
    {
        if (backbone is not IFeatureModel)
            throw new ArgumentException($"backbone {backbone.GetName()} has no feature output", nameof(backbone));
        this.backbone = backbone;
        FeatureDimension = featureDimension;
        Dimension = dimension;
        neck_bn = BatchNorm1d(featureDimension);
        neck = Linear(featureDimension, dimension);
        head = Linear(dimension, identities);
        RegisterComponents();
    }

    /// <summary>Wraps a classifier backbone, finding its feature size with one forward pass in eval mode.</summary>
    public static EmbeddingNet Wrap(Module<Tensor, Tensor> backbone, int imageSize, int identities, int dimension)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        int features;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            backbone.eval();
            features = (int)((IFeatureModel)backbone).features(zeros(1, 3, imageSize, imageSize)).shape[1];
            backbone.train();
        }
        return new EmbeddingNet(backbone, features, identities, dimension);
    }

    /// <summary>Size of the backbone's feature vector.</summary>
    public int FeatureDimension { get; }

    /// <summary>Embedding size.</summary>
    public int Dimension { get; }

    public Module<Tensor, Tensor> Backbone => backbone;

    /// <summary>The class-centre layer (identities × D weights, with a bias the softmax baseline uses).</summary>
    public Linear Head => head;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return functional.normalize(Neck(input), p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>The embedding before L2 normalisation.</summary>
    public Tensor Neck(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor f = ((IFeatureModel)backbone).features(input);
        return neck.forward(neck_bn.forward(f)).MoveToOuterDisposeScope();
    }

    /// <summary>The backbone's features (what mining's core-set reads from other exports).</summary>
    public Tensor features(Tensor input) => ((IFeatureModel)backbone).features(input);
}
