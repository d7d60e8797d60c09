using Seer.Core.Errors;

namespace Seer.Workflows.Operations;

/// <summary>The operations a flow may name, by name. <see cref="Default"/> holds Seer's built-in ones.</summary>
public sealed class FlowOperations
{
    private readonly Dictionary<string, IFlowOperation> byName = new(StringComparer.Ordinal);

    public FlowOperations(IEnumerable<IFlowOperation> operations)
    {
        foreach (var op in operations)
            if (!byName.TryAdd(op.Name, op)) throw new ArgumentException($"two flow operations are named '{op.Name}'");
    }

    /// <summary>echo, import, split, sample, train, evaluate, predict, best, collect, command, executor, mine, export, synth, cluster, label-task.</summary>
    public static FlowOperations Default() => new(
    [
        new EchoOperation(), new ImportOperation(), new SplitOperation(), new SampleOperation(), new TrainOperation(), new EvaluateOperation(),
        new PredictOperation(), new BestOperation(), new CollectOperation(), new CommandOperation(),
        new Executors.ExecutorOperation(), new MineOperation(), new ExportOperation(),
        new SynthOperation(), new ClusterOperation(), new LabelTaskOperation(),
    ]);

    public IReadOnlyCollection<string> Names => byName.Keys;

    public IFlowOperation Get(string name) => byName.TryGetValue(name, out var op)
        ? op
        : throw new SeerException(ErrorCodes.InvalidInput, $"unknown flow op '{name}' (known: {string.Join(", ", byName.Keys.Order())})");
}
