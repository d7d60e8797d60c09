using System.Diagnostics;
using System.Globalization;
using Seer.Core.Progress;
using Seer.Training.Engine;
using Seer.Training.Options;
using TrainBench;

// TrainBench: training benchmarks that print Seer's figures beside a peer.
//   fashion  [key=value ...]   small CNN on Fashion-MNIST (60k train) with test-set accuracy per epoch and wall time
//   resnet   [key=value ...]   ResNet-18 3x64x64 batch 32 training img/s, Seer vs PyTorch 1.13 (/usr/bin/python3)
//   detect   [key=value ...]   fcos-lite on a synthesized 5-class composite set, mAP50 on its test split
// key=value pairs override TrainingOptions (camelCase names), e.g. epochs=8 width=24.
string mode = args.Length > 0 ? args[0] : "fashion";
string root = RepoRoot.Find();
var overrides = args.Skip(1).Where(a => a.Contains('=')).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
return mode switch
{
    "fashion" => FashionMnistBench.Run(root, overrides),
    "resnet" => ResNetThroughputBench.Run(root, overrides),
    "detect" => DetectionBench.Run(root, overrides),
    _ => Fail($"unknown mode '{mode}'; use fashion, resnet or detect"),
};

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
