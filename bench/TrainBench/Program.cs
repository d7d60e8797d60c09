using TrainBench;

// TrainBench: training benchmarks (accuracy and wall time on real data).
//   fashion  [key=value ...]   small CNN on Fashion-MNIST (60k train) with test-set accuracy per epoch and wall time
//   resnet-vs-torch [threads=N steps=N warmup=N rounds=N]   ResNet-18 training images/s (3x64x64, batch 32): Seer's
//            loop vs PyTorch 1.13 (bench/TrainBench/peer_torch.py, /usr/bin/python3 + Debian python3-torch), as a ratio
// key=value pairs override TrainingOptions (camelCase names), e.g. epochs=4 width=32.
string mode = args.Length > 0 ? args[0] : "fashion";
string root = RepoRoot.Find();
var overrides = args.Skip(1).Where(a => a.Contains('=')).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
return mode switch
{
    "fashion" => FashionMnistBench.Run(root, overrides),
    "resnet-vs-torch" => ResNetVsTorchBench.Run(root, overrides),
    _ => Fail($"unknown mode '{mode}'; use fashion or resnet-vs-torch"),
};

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
