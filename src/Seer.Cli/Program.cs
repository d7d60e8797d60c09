using System.CommandLine;
using System.Reflection;
using Seer.Cli;

var root = new RootCommand("Seer: data-centric computer vision — datasets, training, evaluation, mining, serving.");
root.Options.Add(GlobalOptions.Home);
root.Options.Add(GlobalOptions.Json);

foreach (var type in Assembly.GetExecutingAssembly().GetTypes()
             .Where(t => typeof(ICommandFactory).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
             .OrderBy(t => t.Name, StringComparer.Ordinal))
{
    var factory = (ICommandFactory)Activator.CreateInstance(type)!;
    root.Subcommands.Add(factory.Create());
}

<<<<<<< HEAD
var parsed = root.Parse(args);
bool wantsHelp = parsed.Tokens.Any(t => t.Value is "--help" or "-h" or "-?" or "/?" or "/h");
if (wantsHelp && (parsed.Errors.Count > 0 || parsed.UnmatchedTokens.Count > 0))
{
    // `seer nosuch --help`: help would hide the mistake and exit 0; report it and fail like any parse error.
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    foreach (var token in parsed.UnmatchedTokens.Where(t => !parsed.Errors.Any(e => e.Message.Contains(t, StringComparison.Ordinal))))
        Console.Error.WriteLine($"Unrecognized command or argument '{token}'.");
    Console.Error.WriteLine("Run 'seer --help' for the commands.");
    return 2;
}
return await parsed.InvokeAsync().ConfigureAwait(false);
=======
return await CommandRunner.InvokeAsync(root, args).ConfigureAwait(false);
>>>>>>> robustness
