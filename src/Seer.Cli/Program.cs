using System.CommandLine;
using System.Reflection;
using Seer.Cli;

var root = new RootCommand("Seer: data-centric computer vision — datasets, training, evaluation, mining, serving.");
root.Options.Add(GlobalOptions.Home);
root.Options.Add(GlobalOptions.Json);
root.Options.Add(GlobalOptions.Blobs);
root.Options.Add(GlobalOptions.Db);

foreach (var type in Assembly.GetExecutingAssembly().GetTypes()
             .Where(t => typeof(ICommandFactory).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
             .OrderBy(t => t.Name, StringComparer.Ordinal))
{
    var factory = (ICommandFactory)Activator.CreateInstance(type)!;
    root.Subcommands.Add(factory.Create());
}

return await CommandRunner.InvokeAsync(root, args).ConfigureAwait(false);
