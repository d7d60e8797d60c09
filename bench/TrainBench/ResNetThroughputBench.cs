namespace TrainBench;

internal static class ResNetThroughputBench
{
    public static int Run(string root, IReadOnlyDictionary<string, string> overrides)
    {
        Console.Error.WriteLine("resnet benchmark: see ResNetBench (added later)");
        return 1;
    }
}
