namespace TrainBench;

internal static class DetectionBench
{
    public static int Run(string root, IReadOnlyDictionary<string, string> overrides)
    {
        Console.Error.WriteLine("detection benchmark: added later");
        return 1;
    }
}
