using System.CommandLine;
using Seer.Cli.Commands.Dataset;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer dataset import|export|list|show|stats|log|merge|filter|sample|split|dedup|relabel|labels|synth</c>: versioned
/// datasets in the workspace. Every command that changes data writes a new immutable version.
/// </summary>
public sealed class DatasetCommands : ICommandFactory
{
    public Command Create()
    {
        var dataset = new Command("dataset", "Import, version, inspect, transform and export datasets");
        foreach (var sub in new[]
                 {
                     DatasetTransferCommands.Import(), DatasetTransferCommands.Export(),
                     DatasetQueryCommands.List(), DatasetQueryCommands.Show(), DatasetQueryCommands.Stats(), DatasetQueryCommands.Log(),
                     DatasetOperationCommands.Merge(), DatasetOperationCommands.Filter(), DatasetOperationCommands.Sample(),
                     DatasetOperationCommands.Split(), DatasetOperationCommands.Dedup(), DatasetOperationCommands.Relabel(),
                     DatasetQueryCommands.Labels(), DatasetSynthCommand.Create(),
                 })
            dataset.Subcommands.Add(sub);
        return dataset;
    }
}
