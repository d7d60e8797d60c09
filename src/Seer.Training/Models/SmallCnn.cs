using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// A small fast classifier: three stages of ConvBnAct (w, 2w, 4w channels) with 2x2 max-pooling between them, then a
/// head. Inputs of 64 px and more start with a stride-2 stem so cost stays low. forward: [N,3,S,S] → logits [N,classes].
/// Two heads:
/// <list type="bullet">
/// <item><c>small-cnn</c> (denseHidden 0): global average pooling and one linear layer; any input size.</item>
/// <item><c>small-cnn-fc</c> (denseHidden &gt; 0): the last feature map flattened (it keeps where things
/// are, which matters for small centred items such as Fashion-MNIST's), a hidden linear layer with ReLU and dropout,
/// then the classifier. The input size is fixed by the flattened size. State-dict keys <c>fc1.*</c>, <c>fc.*</c>.</item>
/// </list>
/// </summary>
public sealed class SmallCnn : Module<Tensor, Tensor>, IFeatureModel
{
    private readonly ConvBnAct conv1;
    private readonly ConvBnAct conv2;
    private readonly MaxPool2d pool1;
    private readonly ConvBnAct conv3;
    private readonly ConvBnAct conv4;
    private readonly MaxPool2d pool2;
    private readonly ConvBnAct conv5;
    private readonly AdaptiveAvgPool2d? gap;
    private readonly Linear? fc1;
    private readonly Dropout? dropout;
    private readonly Linear fc;

    public SmallCnn(int classes, int width, int imageSize, int denseHidden = 0, double dropoutRate = 0.3) : base(nameof(SmallCnn))
    {
        int stemStride = imageSize >= 64 ? 2 : 1;
        conv1 = new ConvBnAct(3, width, 3, stemStride);
        conv2 = new ConvBnAct(width, width);
        pool1 = MaxPool2d(2);
        conv3 = new ConvBnAct(width, 2 * width);
        conv4 = new ConvBnAct(2 * width, 2 * width);
        pool2 = MaxPool2d(2);
        conv5 = new ConvBnAct(2 * width, 4 * width);
        DenseHidden = denseHidden;
        if (denseHidden > 0)
        {
            int side = FeatureSide(imageSize, stemStride);
            FlattenedSize = 4 * width * side * side;
            fc1 = Linear(FlattenedSize, denseHidden);
            dropout = Dropout(dropoutRate);
            fc = Linear(denseHidden, classes);
        }
        else
        {
            gap = AdaptiveAvgPool2d(1);
            fc = Linear(4 * width, classes);
        }
        RegisterComponents();
    }

    /// <summary>Hidden units of the dense head; 0 = the global-average-pooling head.</summary>
    public int DenseHidden { get; }

    /// <summary>Features entering the dense head (4w × side²); 0 with the pooling head.</summary>
    public int FlattenedSize { get; }

    /// <summary>Side of the last feature map: the stem's stride, then two floor-halving 2x2 pools.</summary>
    public static int FeatureSide(int imageSize, int stemStride)
    {
        int side = (imageSize - 1) / stemStride + 1;
        return side / 2 / 2;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = Penultimate(input);
        if (dropout is not null) x = dropout.forward(x);
        return fc.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier's input: the hidden layer after ReLU (small-cnn-fc) or the pooled last conv (small-cnn).</summary>
    public Tensor features(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Penultimate(input).MoveToOuterDisposeScope();
    }

    private Tensor Penultimate(Tensor input)
    {
        Tensor x = conv2.forward(conv1.forward(input));
        x = pool1.forward(x);
        x = conv4.forward(conv3.forward(x));
        x = pool2.forward(x);
        x = conv5.forward(x);
        return fc1 is null ? gap!.forward(x).flatten(1) : functional.relu(fc1.forward(x.flatten(1)));
    }
}
