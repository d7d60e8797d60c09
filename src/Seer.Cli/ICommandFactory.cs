using System.CommandLine;

namespace Seer.Cli;

/// <summary>
/// One top-level CLI command (dataset, eval, train, model, predict, search, ...). Program finds every implementation
/// in this assembly, so a capability adds its command by adding a file to Commands/, without touching Program.
/// </summary>
public interface ICommandFactory
{
    Command Create();
}
