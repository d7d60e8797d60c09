using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// A small fast classifier: three stages of ConvBnAct (w, 2w, 4w channels) with 2x2 max-pooling between them, global
/// average pooling and a linear layer. Inputs of 64 px and more start with a stride-2 stem so cost stays low.
/// forward: [N,3,S,S] → logits [N,classes].
/// </summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    private readonly ConvBnAct conv1;
    private readonly ConvBnAct conv2;
    private readonly MaxPool2d pool1;
    private readonly ConvBnAct conv3;
    private readonly ConvBnAct conv4;
    private readonly MaxPool2d pool2;
    private readonly ConvBnAct conv5;
    private readonly AdaptiveAvgPool2d gap;
    private readonly Linear fc;

    public SmallCnn(int classes, int width, int imageSize) : base(nameof(SmallCnn))
    {
        int stemStride = imageSize >= 64 ? 2 : 1;
        conv1 = new ConvBnAct(3, width, 3, stemStride);
        conv2 = new ConvBnAct(width, width);
        pool1 = MaxPool2d(2);
        conv3 = new ConvBnAct(width, 2 * width);
        conv4 = new ConvBnAct(2 * width, 2 * width);
        pool2 = MaxPool2d(2);
        conv5 = new ConvBnAct(2 * width, 4 * width);
        gap = AdaptiveAvgPool2d(1);
        fc = Linear(4 * width, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = conv2.forward(conv1.forward(input));
        x = pool1.forward(x);
        x = conv4.forward(conv3.forward(x));
        x = pool2.forward(x);
        x = conv5.forward(x);
        x = gap.forward(x).flatten(1);
        return fc.forward(x).MoveToOuterDisposeScope();
    }
}
