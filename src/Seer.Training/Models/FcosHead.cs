using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seer.Training.Models;

/// <summary>
/// The FPN and head every FCOS network here shares (<see cref="FcosLite"/>, <see cref="FcosResNet18"/>): 1x1 laterals
/// over C3..C5 (<c>lat3</c>, <c>lat4</c>, <c>lat5</c>), nearest upsample + add, 3x3 smoothing (<c>smooth3</c>,
/// <c>smooth4</c>); then one head shared by the levels P3, P4, P5: towers of <c>headConvs</c> <see cref="SharedHeadConv"/>
/// layers for classification (<c>cls_tower</c>, <c>cls_tower2</c>, ...) and regression (<c>reg_tower</c>, ...), each
/// level with its own batch norms, and the 1x1 outputs <c>reg_out</c> (4 distances), <c>ctr_out</c> (centerness),
/// <c>cls_out</c> (classes). The names are the owner network's state-dict keys and the ONNX exporter's.
/// </summary>
internal sealed class FcosHead
{
    private readonly List<(string Name, nn.Module Module)> modules = [];

    public FcosHead(int c3, int c4, int c5, int width, int classes, int headConvs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headConvs, 1);
        const ActivationKind act = ActivationKind.SiLU;
        Lat3 = Add("lat3", new ConvBnAct(c3, width, 1, 1, act));
        Lat4 = Add("lat4", new ConvBnAct(c4, width, 1, 1, act));
        Lat5 = Add("lat5", new ConvBnAct(c5, width, 1, 1, act));
        Merge = Add("merge", new UpsampleAdd());
        Smooth3 = Add("smooth3", new ConvBnAct(width, width, 3, 1, act));
        Smooth4 = Add("smooth4", new ConvBnAct(width, width, 3, 1, act));
        ClsTower = new SharedHeadConv[headConvs];
        RegTower = new SharedHeadConv[headConvs];
        for (int i = 0; i < headConvs; i++)
        {
            string suffix = i == 0 ? "" : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            ClsTower[i] = Add("cls_tower" + suffix, new SharedHeadConv(width));
            RegTower[i] = Add("reg_tower" + suffix, new SharedHeadConv(width));
        }
        ClsOut = Add("cls_out", Conv2d(width, classes, 1));
        RegOut = Add("reg_out", Conv2d(width, 4, 1));
        CtrOut = Add("ctr_out", Conv2d(width, 1, 1));
        using (no_grad())
        {
            using Scalar prior = (-Math.Log((1 - 0.01) / 0.01)).ToScalar(); // prior probability 0.01 (RetinaNet/FCOS)
            ClsOut.bias!.fill_(prior);
            RegOut.bias!.zero_();
        }
    }

    public ConvBnAct Lat3 { get; }
    public ConvBnAct Lat4 { get; }
    public ConvBnAct Lat5 { get; }
    public UpsampleAdd Merge { get; }
    public ConvBnAct Smooth3 { get; }
    public ConvBnAct Smooth4 { get; }
    public SharedHeadConv[] ClsTower { get; }
    public SharedHeadConv[] RegTower { get; }
    public Conv2d ClsOut { get; }
    public Conv2d RegOut { get; }
    public Conv2d CtrOut { get; }

    /// <summary>Registers every module on the owning network under its name (call once, after the backbone's).</summary>
    public void RegisterOn(Action<string, nn.Module> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        foreach (var (name, module) in modules) register(name, module);
    }

    /// <summary>FPN over C3..C5 and the shared head: [N, A, 5 + classes] (see <see cref="FcosLite"/>'s summary).</summary>
    public Tensor Forward(Tensor c3, Tensor c4, Tensor c5)
    {
        Tensor p5 = Lat5.forward(c5);
        Tensor p4 = Smooth4.forward(Merge.forward(Lat4.forward(c4), p5));
        Tensor p3 = Smooth3.forward(Merge.forward(Lat3.forward(c3), p4));
        var levels = new List<Tensor>(3);
        Tensor[] ps = [p3, p4, p5];
        for (int level = 0; level < ps.Length; level++)
        {
            Tensor r = ps[level], c = ps[level];
            foreach (SharedHeadConv layer in RegTower) r = layer.Forward(r, level);
            foreach (SharedHeadConv layer in ClsTower) c = layer.Forward(c, level);
            r = ChannelsLast.Ensure(r);
            c = ChannelsLast.Ensure(c);
            Tensor output = cat([RegOut.forward(r), CtrOut.forward(r), ClsOut.forward(c)], 1);
            levels.Add(output.flatten(2));
        }
        return cat(levels, 2).permute(0, 2, 1).contiguous();
    }

    private T Add<T>(string name, T module) where T : nn.Module
    {
        modules.Add((name, module));
        return module;
    }
}
